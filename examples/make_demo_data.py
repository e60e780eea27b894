"""Generate the embedded demo scenario: ten task committees in a Gentofte-like municipality.

The script is deterministic (``random.Random(2018)``) and uses only the standard library. It
first plants a complete plan that meets every rule (ten citizens and five politicians on every
committee), then adds the other applicants, checks the planted plan against every rule in
plain Python, and only then writes ``mandates.toml``, ``citizens.csv`` and ``politicians.csv``.
The scenario is therefore feasible by construction, with plenty of other applicants to choose
from.

Usage::

    python examples/make_demo_data.py [DIRECTORY]

``DIRECTORY`` defaults to ``src/cocreate_match/data/gentofte`` in this repository.
"""

from __future__ import annotations

import csv
import random
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

SEED = 2018
CITIZEN_SEATS = 10
POLITICIAN_SEATS = 5
N_CITIZENS = 300
N_HOUSEHOLDS = 11
MAX_PER_PARTY = 2
MIN_PARTIES = 3

REPOSITORY = Path(__file__).resolve().parent.parent
DEFAULT_DIRECTORY = REPOSITORY / "src" / "cocreate_match" / "data" / "gentofte"

# -- the mandates -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Profile:
    name: str
    any_of: tuple[str, ...]
    min: int
    max: int | None = None


@dataclass(frozen=True)
class Quota:
    attribute: str
    value: str
    min: int
    max: int | None = None


@dataclass(frozen=True)
class Committee:
    id: str
    title: str
    background: str
    purpose: str
    premises: str
    duration: str
    deliverable: str
    popularity: float  # how many citizens tend to apply, relative to the others
    profiles: tuple[Profile, ...] = ()
    quotas: tuple[Quota, ...] = ()


def _gender(low: int = 4, high: int = 6) -> Quota:
    return Quota("gender", "female", low, high)


COMMITTEES: tuple[Committee, ...] = (
    Committee(
        id="climate",
        title="Climate adaptation and green transition",
        background=(
            "Cloudbursts in recent summers flooded basements along the coast and in the low-lying "
            "parts of Hellerup and Dyssegård, and the municipality has committed to becoming "
            "climate neutral by 2035."
        ),
        purpose=(
            "Propose how the municipality, homeowners and businesses can handle heavier rain and "
            "rising sea levels while cutting local carbon emissions."
        ),
        premises=(
            "Proposals must fit within the existing climate adaptation plan and the utility "
            "company's investment budget; private gardens and roads may be part of the solution."
        ),
        duration="9 months",
        deliverable=(
            "A catalogue of local climate adaptation projects with a recommended order of "
            "priority, presented to the Technical and Environment Committee."
        ),
        popularity=2.0,
        profiles=(
            Profile("young-voice", ("student", "young"), 1, 3),
            Profile("technical-knowledge", ("engineer", "planner", "biologist", "architect"), 2, 4),
            Profile("homeowner", ("homeowner",), 1, None),
        ),
        quotas=(_gender(),),
    ),
    Committee(
        id="health",
        title="Health and prevention",
        background=(
            "More citizens live with chronic illness, and loneliness and stress are rising in "
            "every age group, while hospital stays are getting shorter."
        ),
        purpose=(
            "Find new ways for the municipality, associations and citizens to prevent illness "
            "and to support healthy everyday habits close to where people live."
        ),
        premises=(
            "Solutions must build on the health services the municipality already runs and must "
            "respect the division of tasks between the municipality and the Capital Region."
        ),
        duration="10 months",
        deliverable=(
            "A health and prevention policy proposal with three pilot projects, for the Social "
            "and Health Committee."
        ),
        popularity=1.2,
        profiles=(
            Profile("health-professional", ("nurse", "doctor", "physiotherapist"), 2, 4),
            Profile("senior", ("retired",), 1, 3),
            Profile("parent", ("parent",), 1, None),
        ),
        quotas=(_gender(),),
    ),
    Committee(
        id="youth",
        title="Youth and school life",
        background=(
            "Pupils in the municipality's schools do well academically, but more of them report "
            "stress, performance pressure and too little time for play and community."
        ),
        purpose=(
            "Describe what a good school day and a good youth life look like, and how schools, "
            "parents, clubs and young people themselves can create them."
        ),
        premises=(
            "The school reform and the national curriculum set the frame; proposals must be "
            "carried out within the schools' current budgets and staff."
        ),
        duration="9 months",
        deliverable=(
            "A set of principles for well-being in school and leisure time, with concrete "
            "initiatives for the Children and School Committee."
        ),
        popularity=1.6,
        profiles=(
            Profile("young-person", ("student", "young"), 2, 4),
            Profile("school-parent", ("parent",), 2, 4),
            Profile("educator", ("teacher", "pedagogue"), 1, 3),
        ),
        quotas=(_gender(), Quota("age_group", "18-29", 2, 5)),
    ),
    Committee(
        id="senior",
        title="Senior life",
        background=(
            "The number of citizens over 80 will grow by half over the next ten years, and many "
            "seniors want to stay active and live at home for as long as possible."
        ),
        purpose=(
            "Develop ideas for an active and meaningful senior life, from communities and "
            "volunteering to housing and help in the home."
        ),
        premises=(
            "Proposals must respect the municipality's quality standards for home care and may "
            "draw on senior citizens' associations and volunteers."
        ),
        duration="8 months",
        deliverable=(
            "A senior policy proposal with recommendations on communities, housing and care, for "
            "the Senior Committee."
        ),
        popularity=0.8,
        profiles=(
            Profile("senior", ("retired",), 3, 6),
            Profile("care-professional", ("nurse", "care-worker", "doctor"), 1, 3),
            Profile("volunteer", ("volunteer",), 1, None),
        ),
        quotas=(_gender(4, 7), Quota("age_group", "65+", 3, 6)),
    ),
    Committee(
        id="business",
        title="Business and tourism",
        background=(
            "The municipality has many small businesses, a long coastline, Dyrehaven and "
            "Bellevue beach, but few jobs for young people and little overnight tourism."
        ),
        purpose=(
            "Propose how the municipality can become a better place to start and run a business, "
            "and how visitors can be attracted without burdening residents."
        ),
        premises=(
            "Proposals must comply with the municipal plan and must not require new taxes or "
            "fees; cooperation with neighbouring municipalities is welcome."
        ),
        duration="9 months",
        deliverable=(
            "A business and tourism strategy with an action plan for the first two years, for "
            "the Business Committee."
        ),
        popularity=0.25,
        profiles=(
            Profile("business-owner", ("business-owner",), 3, 5),
            Profile("hospitality-or-marketing", ("hospitality", "marketing"), 1, 3),
            Profile("young-voice", ("student", "young"), 1, 2),
        ),
        quotas=(_gender(),),
    ),
    Committee(
        id="sport",
        title="Sport and outdoor life",
        background=(
            "Club sport is under pressure as more citizens exercise on their own, in parks, on "
            "the coast and in Jægersborg Dyrehave, while halls and pitches are fully booked."
        ),
        purpose=(
            "Find ways to get more citizens moving, to share sports facilities better, and to "
            "open nature and public spaces to outdoor life."
        ),
        premises=(
            "Facilities already planned are not reconsidered; proposals should involve the "
            "sports clubs and respect nature protection rules."
        ),
        duration="9 months",
        deliverable=(
            "A sport and outdoor life policy with a plan for shared use of facilities, for the "
            "Culture, Leisure and Sport Committee."
        ),
        popularity=1.2,
        profiles=(
            Profile("club-person", ("coach", "club-leader", "volunteer"), 2, 4),
            Profile("young-person", ("student", "young"), 1, 3),
            Profile("parent", ("parent",), 1, None),
        ),
        quotas=(_gender(),),
    ),
    Committee(
        id="culture",
        title="Culture and libraries",
        background=(
            "Libraries are changing from book lending to meeting places, and cultural life "
            "depends on a small number of active associations and venues."
        ),
        purpose=(
            "Develop a vision for the libraries and cultural life of the future, in which "
            "citizens create culture as well as use it."
        ),
        premises=(
            "Proposals must work within the current network of libraries and cultural venues; "
            "opening hours and staffing are part of the discussion."
        ),
        duration="8 months",
        deliverable=(
            "A culture and library policy with ideas for new citizen-run activities, for the "
            "Culture, Leisure and Sport Committee."
        ),
        popularity=1.3,
        profiles=(
            Profile("cultural-life", ("artist", "musician", "librarian"), 2, 4),
            Profile("young-voice", ("student", "young"), 1, None),
            Profile("volunteer", ("volunteer",), 1, None),
        ),
        quotas=(_gender(),),
    ),
    Committee(
        id="integration",
        title="Integration and community",
        background=(
            "Refugees and other newcomers have settled in the municipality, and many find it hard "
            "to get a job, to join associations and to make Danish friends."
        ),
        purpose=(
            "Propose how citizens, associations, businesses and the municipality together can "
            "help newcomers become active members of local communities."
        ),
        premises=(
            "The national integration act sets the frame; proposals should use the local "
            "associations, volunteers and businesses."
        ),
        duration="10 months",
        deliverable=(
            "An integration policy proposal with concrete community initiatives, for the "
            "Social and Health Committee."
        ),
        popularity=0.3,
        profiles=(
            Profile("new-dane", ("new-dane",), 2, 5),
            Profile("frontline-professional", ("teacher", "social-worker", "pedagogue"), 1, 3),
            Profile("employer", ("business-owner",), 1, 2),
        ),
        quotas=(_gender(),),
    ),
    Committee(
        id="mobility",
        title="Urban development and mobility",
        background=(
            "The light rail along Ring 3 will open, traffic on Lyngbyvej and Strandvejen keeps "
            "growing, and more citizens want to cycle and walk safely."
        ),
        purpose=(
            "Propose how the town centres and streets can develop around the light rail, with "
            "room for cycling, walking and green spaces."
        ),
        premises=(
            "The municipal plan and the light rail project are fixed; proposals may change the "
            "use of streets, squares and parking."
        ),
        duration="12 months",
        deliverable=(
            "A mobility and urban development plan with pilot projects for two town centres, for "
            "the Technical and Environment Committee."
        ),
        popularity=0.9,
        profiles=(
            Profile("planning-knowledge", ("planner", "engineer", "architect"), 2, 4),
            Profile("everyday-cyclist", ("cyclist",), 1, None),
            Profile("local-trade", ("business-owner",), 1, 2),
        ),
        quotas=(_gender(),),
    ),
    Committee(
        id="digital",
        title="Digital welfare",
        background=(
            "Most contact with the municipality is now digital, yet many seniors and some "
            "vulnerable citizens find self-service difficult, while new welfare technology "
            "offers new possibilities."
        ),
        purpose=(
            "Propose how digital solutions and welfare technology can improve services without "
            "leaving anyone behind."
        ),
        premises=(
            "Proposals must respect data protection rules and the national digitalisation "
            "strategy; there must always be a non-digital way to contact the municipality."
        ),
        duration="6 months",
        deliverable=(
            "A digital welfare strategy with principles for digital inclusion, for the Finance "
            "Committee."
        ),
        popularity=0.2,
        profiles=(
            Profile("it-knowledge", ("it-professional", "engineer"), 2, 4),
            Profile("senior-user", ("retired",), 1, 3),
            Profile("welfare-professional", ("nurse", "care-worker", "social-worker"), 1, None),
        ),
        quotas=(_gender(3, 7), Quota("age_group", "65+", 2, None)),
    ),
)

COMMITTEE_IDS = tuple(c.id for c in COMMITTEES)

# -- the people -------------------------------------------------------------------------------

# Districts of Gentofte Municipality and their rough share of the population.
DISTRICTS: dict[str, float] = {
    "Hellerup": 22,
    "Charlottenlund": 17,
    "Gentofte": 15,
    "Ordrup": 11,
    "Vangede": 10,
    "Jægersborg": 9,
    "Dyssegård": 9,
    "Klampenborg": 5,
}
DISTRICT_MIN = {d: (3 if d == "Klampenborg" else 5) for d in DISTRICTS}
GLOBAL_YOUNG_MIN = 12  # seated citizens aged 18-29, over all committees

AGE_GROUPS = ("18-29", "30-44", "45-64", "65+")
LIFE_STAGE_TAGS = ("student", "young", "parent", "retired")
# Occupations and interests with relative weights; some are restricted by life stage below.
OCCUPATIONS: dict[str, float] = {
    "teacher": 5, "pedagogue": 3, "nurse": 4, "doctor": 2, "physiotherapist": 2,
    "care-worker": 2, "social-worker": 3, "engineer": 5, "planner": 2, "architect": 2,
    "biologist": 1.5, "it-professional": 4, "business-owner": 4, "hospitality": 1.5,
    "marketing": 2, "librarian": 1, "lawyer": 2, "economist": 2, "consultant": 3,
}
INTERESTS: dict[str, float] = {
    "volunteer": 5, "cyclist": 4, "coach": 2, "club-leader": 2, "artist": 1.5, "musician": 1.5,
    "homeowner": 4,
}
YOUNG_OK = {"volunteer", "cyclist", "coach", "club-leader", "artist", "musician", "engineer",
            "it-professional", "marketing", "hospitality", "pedagogue", "nurse"}


@dataclass
class Applicant:
    tags: list[str]
    gender: str
    age_group: str
    district: str = ""
    applied_to: list[str] = field(default_factory=list)
    open_to_any: bool = False
    household: str = ""
    planted_on: str | None = None
    id: str = ""

    def applied_cell(self) -> str:
        return ";".join([*self.applied_to, *(["*"] if self.open_to_any else [])])


def weighted(rng: random.Random, weights: dict[str, float]) -> str:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def age_for(rng: random.Random, tags: list[str]) -> str:
    if "student" in tags or "young" in tags:
        return "18-29"
    if "retired" in tags:
        return "65+"
    if "parent" in tags:
        return rng.choices(("30-44", "45-64"), weights=(6, 4))[0]
    return rng.choices(AGE_GROUPS, weights=(1, 4, 5, 1))[0]


def random_gender(rng: random.Random) -> str:
    return rng.choices(("female", "male", "non-binary"), weights=(51, 47, 2))[0]


def pick_other_tag(rng: random.Random, have: list[str], avoid: set[str]) -> str | None:
    """An occupation or interest that fits the tags already held and is not in ``avoid``."""
    young = "student" in have or "young" in have
    pool = {**OCCUPATIONS, **INTERESTS}
    if "retired" in have:
        pool = {k: w for k, w in pool.items() if k not in ("hospitality", "marketing")}
    if young:
        pool = {k: w for k, w in pool.items() if k in YOUNG_OK}
    pool = {k: w for k, w in pool.items() if k not in avoid and k not in have}
    return weighted(rng, pool) if pool else None


def random_tags(rng: random.Random) -> list[str]:
    """1-3 realistic tags: at most one life stage, then occupations and interests."""
    stages = ("student", "young", "parent", "retired", "")
    stage = rng.choices(stages, weights=(12, 8, 30, 25, 25))[0]
    tags = [stage] if stage else []
    extra = rng.choices((0, 1, 2), weights=(2, 5, 3))[0] if tags else rng.choice((1, 2))
    for _ in range(extra):
        tag = pick_other_tag(rng, tags, set())
        if tag is not None:
            tags.append(tag)
    if rng.random() < 0.08 and "retired" not in tags:
        tags.append("new-dane")
    return tags[:3]


def profile_count(committee: Committee, profile: Profile, members: list[Applicant]) -> int:
    return sum(1 for a in members if set(a.tags) & set(profile.any_of))


def quota_count(quota: Quota, members: list[Applicant]) -> int:
    return sum(1 for a in members if attribute(a, quota.attribute) == quota.value)


def attribute(a: Applicant, name: str) -> str:
    return {"gender": a.gender, "age_group": a.age_group, "district": a.district}[name]


def within(count: int, low: int, high: int | None) -> bool:
    return count >= low and (high is None or count <= high)


# -- the planted plan -------------------------------------------------------------------------


def plant_committee(rng: random.Random, committee: Committee) -> list[Applicant]:
    """Ten citizens who together meet every profile and quota of the committee."""
    profile_tags = set().union(*(p.any_of for p in committee.profiles))
    for _ in range(1000):
        members: list[Applicant] = []
        for profile in committee.profiles:
            room = CITIZEN_SEATS - len(members) - sum(
                p.min for p in committee.profiles[committee.profiles.index(profile) + 1:])
            high = profile.min if profile.max is None else min(profile.max, profile.min + 1)
            for _ in range(min(rng.randint(profile.min, high), room)):
                tags = [rng.choice(profile.any_of)]
                if rng.random() < 0.6:
                    other = pick_other_tag(rng, tags, profile_tags)
                    if other is not None:
                        tags.append(other)
                members.append(Applicant(tags=tags, gender="", age_group=age_for(rng, tags)))
        while len(members) < CITIZEN_SEATS:
            tags = [t for t in random_tags(rng) if t not in profile_tags]
            if not tags:
                other = pick_other_tag(rng, [], profile_tags)
                assert other is not None
                tags = [other]
            members.append(Applicant(tags=tags, gender="", age_group=age_for(rng, tags)))
        gender_rule = next((q for q in committee.quotas if q.attribute == "gender"), None)
        low, high = (gender_rule.min, gender_rule.max) if gender_rule else (4, 6)
        women = rng.randint(max(low, 4), min(high if high is not None else 6, 6))
        genders = ["female"] * women + ["male"] * (CITIZEN_SEATS - women)
        if rng.random() < 0.15:
            genders[-1] = "non-binary"
        rng.shuffle(genders)
        for a, g in zip(members, genders, strict=True):
            a.gender = g
            a.planted_on = committee.id
        ok = all(within(profile_count(committee, p, members), p.min, p.max)
                 for p in committee.profiles)
        ok = ok and all(within(quota_count(q, members), q.min, q.max) for q in committee.quotas)
        if ok:
            return members
    raise AssertionError(f"could not plant committee {committee.id}")


def plant_districts(rng: random.Random, planted: list[Applicant]) -> None:
    """Districts for the planted citizens so that every district meets its global minimum."""
    districts = [d for d, low in DISTRICT_MIN.items() for _ in range(low)]
    while len(districts) < len(planted):
        districts.append(weighted(rng, DISTRICTS))
    rng.shuffle(districts)
    for a, d in zip(planted, districts, strict=True):
        a.district = d


@dataclass
class Councillor:
    id: str
    party: str
    min_committees: int
    max_committees: int
    seats: list[str] = field(default_factory=list)
    preferences: list[str] = field(default_factory=list)


# Gentofte's council has 19 members; the Conservatives hold a majority of the seats alone.
PARTIES = (("C", 9), ("V", 3), ("A", 2), ("B", 2), ("F", 1), ("Ø", 1), ("I", 1))
# Committees each party's members are drawn to, on top of the general interest.
PARTY_LEANING: dict[str, tuple[str, ...]] = {
    "C": ("business", "mobility", "senior", "sport"),
    "V": ("business", "digital", "sport"),
    "A": ("health", "senior", "youth", "integration"),
    "B": ("integration", "youth", "culture", "climate"),
    "F": ("climate", "youth", "health"),
    "Ø": ("climate", "integration", "health"),
    "I": ("business", "digital", "mobility"),
}


def plant_council(rng: random.Random) -> list[Councillor]:
    """19 politicians seated five to a committee, two per party at most, three parties at least."""
    council: list[Councillor] = []
    for party, size in PARTIES:
        for k in range(size):
            council.append(Councillor(id=f"{party}{k + 1}", party=party, min_committees=2,
                                      max_committees=0))
    c_members = [p for p in council if p.party == "C"]
    others = [p for p in council if p.party != "C"]
    for _ in range(1000):
        rng.shuffle(c_members)
        rng.shuffle(others)
        for p in council:
            p.seats = []
        # Two Conservatives on every committee (20 seats for 9 members), three others
        # (30 seats for 10 members), dealt out in a cycle so nobody sits twice on one committee.
        c_cycle = [c_members[i % len(c_members)] for i in range(2 * len(COMMITTEES))]
        o_cycle = [others[i % len(others)] for i in range(3 * len(COMMITTEES))]
        for k, committee in enumerate(COMMITTEES):
            for p in c_cycle[2 * k: 2 * k + 2] + o_cycle[3 * k: 3 * k + 3]:
                p.seats.append(committee.id)
        if all(council_rules_hold(council, committee.id) for committee in COMMITTEES):
            break
    else:
        raise AssertionError("could not plant the council")
    for p in council:
        # A time budget of three or four committees, never below the planted load.
        p.max_committees = max(len(p.seats), rng.choice((3, 3, 4) if p.party == "C" else (3, 4, 4)))
        n_prefs = rng.randint(max(3, len(p.seats)), 5)
        prefs = list(p.seats)
        leaning = PARTY_LEANING[p.party]
        while len(prefs) < n_prefs:
            weights = {c: (3.0 if c in leaning else 1.0) for c in COMMITTEE_IDS if c not in prefs}
            prefs.append(weighted(rng, weights))
        # Most wanted first: usually a committee the party leans towards.
        rng.shuffle(prefs)
        if rng.random() < 0.7:
            prefs.sort(key=lambda c: c not in leaning)
        p.preferences = prefs
    council.sort(key=lambda p: ([x for x, _ in PARTIES].index(p.party), p.id))
    return council


def council_rules_hold(council: list[Councillor], committee_id: str) -> bool:
    seated = [p for p in council if committee_id in p.seats]
    parties = Counter(p.party for p in seated)
    return (len(seated) == POLITICIAN_SEATS and max(parties.values()) <= MAX_PER_PARTY
            and len(parties) >= MIN_PARTIES)


# -- applications -----------------------------------------------------------------------------


def committee_weights(a: Applicant) -> dict[str, float]:
    """How likely the applicant is to apply to each committee: popularity times interest."""
    weights = {}
    for c in COMMITTEES:
        fits = any(set(a.tags) & set(p.any_of) for p in c.profiles)
        weights[c.id] = c.popularity * (2.5 if fits else 1.0)
    return weights


def choose_applications(rng: random.Random, a: Applicant) -> None:
    if a.planted_on is not None and rng.random() < 0.1:
        a.open_to_any = True  # planted on a committee it did not name
        return
    if a.planted_on is None and rng.random() < 0.1:
        a.open_to_any = True
        return
    n = rng.choices((1, 2, 3), weights=(3, 4, 3))[0]
    weights = committee_weights(a)
    chosen: list[str] = []
    if a.planted_on is not None:
        del weights[a.planted_on]
    while len(chosen) < n - (a.planted_on is not None):
        pick = weighted(rng, weights)
        chosen.append(pick)
        del weights[pick]
    if a.planted_on is not None:
        # Few put the less popular committees first.
        popular = COMMITTEES[COMMITTEE_IDS.index(a.planted_on)].popularity >= 0.7
        order = (5, 3, 2) if popular else (1, 3, 4)
        position = rng.choices(range(len(chosen) + 1), weights=order[: len(chosen) + 1])[0]
        chosen.insert(position, a.planted_on)
    a.applied_to = chosen
    # A few name some committees and add that any other would do too.
    a.open_to_any = rng.random() < 0.04


def make_households(rng: random.Random, people: list[Applicant]) -> None:
    """Couples applying together: the same district, age group and (mostly) committees.

    Only the partner who is not planted is changed, and no two planted citizens share a household.
    """
    free = [a for a in people if a.planted_on is None]
    rng.shuffle(free)
    made = 0
    for a in free:
        if made == N_HOUSEHOLDS:
            break
        if a.household:
            continue
        candidates = [b for b in people if b is not a and not b.household
                      and b.age_group == a.age_group and b.gender != a.gender]
        if not candidates:
            continue
        b = rng.choice(candidates)
        made += 1
        a.household = b.household = f"h{made:02d}"
        a.district = b.district
        a.applied_to = list(b.applied_to)
        a.open_to_any = b.open_to_any
        if a.applied_to and rng.random() < 0.4:
            rng.shuffle(a.applied_to)  # together, but not in the same order
    assert made == N_HOUSEHOLDS


# -- writing ----------------------------------------------------------------------------------


def toml_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def limits(low: int, high: int | None) -> list[str]:
    return [f"min = {low}"] + ([f"max = {high}"] if high is not None else [])


def mandates_toml() -> str:
    lines = [
        "# Ten task committees of a Gentofte-like municipality: the mandate of each committee,",
        "# the competence profiles of its citizens, and the rules for the whole council.",
        "# Generated by examples/make_demo_data.py.",
        "",
        "[council]",
        f"max_per_party = {MAX_PER_PARTY}",
        f"min_parties = {MIN_PARTIES}",
        "",
        "# Every district is represented among the seated citizens of all committees together,",
        "# and so are young adults.",
    ]
    for district, low in DISTRICT_MIN.items():
        lines += ["[[quota]]", 'attribute = "district"', f"value = {toml_string(district)}",
                  *limits(low, None), ""]
    lines += ["[[quota]]", 'attribute = "age_group"', 'value = "18-29"',
              *limits(GLOBAL_YOUNG_MIN, None), ""]
    for c in COMMITTEES:
        lines += ["[[committee]]", f"id = {toml_string(c.id)}"]
        for key in ("title", "background", "purpose", "premises", "duration", "deliverable"):
            lines.append(f"{key} = {toml_string(getattr(c, key))}")
        lines += [f"citizen_seats = {CITIZEN_SEATS}", f"politician_seats = {POLITICIAN_SEATS}", ""]
        for p in c.profiles:
            tags = ", ".join(toml_string(t) for t in p.any_of)
            lines += ["  [[committee.profile]]", f"  name = {toml_string(p.name)}",
                      f"  any_of = [{tags}]", *("  " + x for x in limits(p.min, p.max)), ""]
        for q in c.quotas:
            lines += ["  [[committee.quota]]", f"  attribute = {toml_string(q.attribute)}",
                      f"  value = {toml_string(q.value)}",
                      *("  " + x for x in limits(q.min, q.max)), ""]
    return "\n".join(lines)


def write_csv(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


# -- checking ---------------------------------------------------------------------------------


def check_planted(citizens: list[Applicant], council: list[Councillor]) -> None:
    """Check the planted plan against every rule, as the written files state them."""
    seated = [a for a in citizens if a.planted_on is not None]
    by_committee = {c.id: [a for a in seated if a.planted_on == c.id] for c in COMMITTEES}
    for c in COMMITTEES:
        members = by_committee[c.id]
        assert len(members) == CITIZEN_SEATS, c.id
        for a in members:
            assert a.open_to_any or c.id in a.applied_to, (c.id, a.id)
        for p in c.profiles:
            assert within(profile_count(c, p, members), p.min, p.max), (c.id, p.name)
        for q in c.quotas:
            assert within(quota_count(q, members), q.min, q.max), (c.id, q.attribute, q.value)
    households = Counter(a.household for a in seated if a.household)
    assert all(n == 1 for n in households.values()), households
    for district, low in DISTRICT_MIN.items():
        assert quota_count(Quota("district", district, low), seated) >= low, district
    assert quota_count(Quota("age_group", "18-29", GLOBAL_YOUNG_MIN), seated) >= GLOBAL_YOUNG_MIN
    for c in COMMITTEES:
        assert council_rules_hold(council, c.id), c.id
    for p in council:
        assert p.min_committees <= len(p.seats) <= p.max_committees, p.id
        assert len(set(p.seats)) == len(p.seats), p.id
        assert 3 <= len(p.preferences) <= 5 and len(set(p.preferences)) == len(p.preferences)
    # The other parties must be able to fill the seats the Conservatives may not take.
    other_capacity = sum(p.max_committees for p in council if p.party != "C")
    c_max = min(MAX_PER_PARTY * len(COMMITTEES), sum(p.max_committees for p in council
                                                      if p.party == "C"))
    assert other_capacity + c_max >= POLITICIAN_SEATS * len(COMMITTEES)
    ids = [a.id for a in citizens] + [p.id for p in council]
    assert len(set(ids)) == len(ids)


# -- main -------------------------------------------------------------------------------------


def main(argv: list[str]) -> int:
    directory = Path(argv[1]) if len(argv) > 1 else DEFAULT_DIRECTORY
    rng = random.Random(SEED)

    planted = [a for c in COMMITTEES for a in plant_committee(rng, c)]
    plant_districts(rng, planted)
    council = plant_council(rng)

    others = []
    while len(planted) + len(others) < N_CITIZENS:
        tags = random_tags(rng)
        others.append(Applicant(tags=tags, gender=random_gender(rng), age_group=age_for(rng, tags),
                                district=weighted(rng, DISTRICTS)))
    citizens = planted + others
    for a in citizens:
        choose_applications(rng, a)
    make_households(rng, citizens)
    rng.shuffle(citizens)
    for i, a in enumerate(citizens):
        a.id = f"c{i + 1:03d}"
        a.tags = sorted(a.tags)

    check_planted(citizens, council)

    directory.mkdir(parents=True, exist_ok=True)
    (directory / "mandates.toml").write_text(mandates_toml(), encoding="utf-8")
    rows = [["id", "applied_to", "tags", "household", "gender", "age_group", "district"]]
    rows += [[a.id, a.applied_cell(), ";".join(a.tags), a.household, a.gender, a.age_group,
              a.district] for a in citizens]
    write_csv(directory / "citizens.csv", rows)
    rows = [["id", "party", "preferences", "min_committees", "max_committees"]]
    rows += [[p.id, p.party, ";".join(p.preferences), str(p.min_committees),
              str(p.max_committees)] for p in council]
    write_csv(directory / "politicians.csv", rows)

    demand = Counter(c for a in citizens for c in a.applied_to)
    print(f"wrote {directory}: {len(COMMITTEES)} committees, {len(citizens)} citizens, "
          f"{len(council)} politicians")
    print("applications per committee:",
          ", ".join(f"{c}={demand[c]}" for c in COMMITTEE_IDS),
          f"(any committee: {sum(a.open_to_any and not a.applied_to for a in citizens)})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
