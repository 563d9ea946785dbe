"""Synthetic nights of contact-centre calls in the transcript interchange format (``*.jsonl``).

Writes any number of calls, one per line, in shard files ``night-YYYY-MM-DD-00001.jsonl``: for the
throughput benchmarks (10,000 calls / 500,000 turns a night) and for filling a dashboard warehouse
(100,000 calls over weeks). Each call has an agent of a team, a queue per team and language, a
start time in working hours and turns whose texts are composed from a phrase bank written for this
project (Dutch with formal "u", informal "je" and Flemish variants; English), by customer state
(neutral, frustrated, aggressive) and agent behaviour (empathy, solution, boundary, commiseration,
dismissive). Some calls come out in speech-recognition form (lowercase, no punctuation, fillers).

The outcome mix sets the share of calls whose customer stays calm, gets frustrated or turns
aggressive; agents have skill profiles (some miss empathy, some never set a boundary, some are curt,
some commiserate), so per-agent metrics differ. Unless ``--no-labels``, every turn carries the
phrase kind it was built from (``gold_state`` / ``gold_tags``, as in ``samples/calls``) and every
call a ``synthetic`` block (scenario, agent profile, locale); the pipeline keeps both as extras.

Deterministic: the same arguments write the same bytes (each call has its own random stream, so
``--calls-per-file`` changes only how calls are split over files).

    .venv/bin/python benchmarks/make_night.py --calls 10000 --out var/night
    .venv/bin/python benchmarks/make_night.py --calls 100000 --days 28 --agents 120 --out var/month
"""

from __future__ import annotations

import argparse
import bisect
import json
import math
import random
import re
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

try:
    from zoneinfo import ZoneInfo

    LOCAL_TZ: Any = ZoneInfo("Europe/Amsterdam")
except Exception:  # no tz database: Central European winter time is close enough for a benchmark
    from datetime import timezone

    LOCAL_TZ = timezone(timedelta(hours=1))

SCENARIOS = ("calm", "frustrated", "aggressive")
PROFILES = ("steady", "misses_empathy", "no_boundary", "curt", "over_empathic")
DEFAULT_TEAMS = ("billing", "technical", "moving", "sales")
DEFAULT_END_DATE = "2026-11-02"
SHARD_NAME = "night-{day}-{shard:05d}.jsonl"

# --------------------------------------------------------------------------------------------
# Options
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NightOptions:
    """What to generate. Validated by :func:`generate`; every field has a command-line option."""

    calls: int = 1000
    turns_per_call: float = 50.0
    """Mean number of turns; single calls range from about an eighth of it to three times it."""
    days: int = 1
    end_date: date = field(default_factory=lambda: date.fromisoformat(DEFAULT_END_DATE))
    agents: int = 40
    teams: tuple[str, ...] = DEFAULT_TEAMS
    dutch_share: float = 0.75
    flemish_share: float = 0.2
    """Share of the Dutch calls with Flemish customers (and agents' Flemish greetings)."""
    asr_share: float = 0.3
    """Share of calls written as speech recognition writes them."""
    mix: Mapping[str, float] = field(default_factory=lambda: {"calm": 0.55, "frustrated": 0.3, "aggressive": 0.15})
    seed: int = 0
    calls_per_file: int = 1000
    labels: bool = True
    """Write ``gold_state``/``gold_tags`` on turns and a ``synthetic`` block on calls."""

    def validated(self) -> NightOptions:
        """Return the options with the mix normalised; raise ValueError naming the bad value."""
        _require(self.calls >= 1, f"calls: must be >= 1 (got {self.calls!r})")
        _require(4 <= self.turns_per_call <= 2000, f"turns_per_call: must be 4..2000 (got {self.turns_per_call!r})")
        _require(self.days >= 1, f"days: must be >= 1 (got {self.days!r})")
        _require(len(self.teams) >= 1, "teams: at least one team is needed")
        _require(len(set(self.teams)) == len(self.teams), f"teams: names must be unique (got {', '.join(self.teams)})")
        for team in self.teams:
            _require(bool(re.fullmatch(r"[a-z0-9_]+", team)), f"teams: {team!r} must be lowercase letters/digits/_")
        _require(
            self.agents >= len(self.teams),
            f"agents: need at least one per team ({len(self.teams)} teams, got {self.agents!r} agents)",
        )
        for name in ("dutch_share", "flemish_share", "asr_share"):
            value = getattr(self, name)
            _require(0.0 <= value <= 1.0, f"{name}: must be between 0 and 1 (got {value!r})")
        _require(self.calls_per_file >= 1, f"calls_per_file: must be >= 1 (got {self.calls_per_file!r})")
        unknown = set(self.mix) - set(SCENARIOS)
        _require(not unknown, f"mix: unknown scenario {', '.join(sorted(unknown))}; use {', '.join(SCENARIOS)}")
        _require(all(v >= 0 for v in self.mix.values()), f"mix: shares must be >= 0 (got {dict(self.mix)})")
        total = sum(self.mix.values())
        _require(total > 0, f"mix: at least one share must be > 0 (got {dict(self.mix)})")
        mix = {s: self.mix.get(s, 0.0) / total for s in SCENARIOS}
        return replace(self, mix=mix)


@dataclass(frozen=True)
class NightReport:
    """What :func:`generate` wrote."""

    calls: int
    turns: int
    files: tuple[Path, ...]
    bytes: int
    seconds: float
    days: tuple[date, ...]

    def summary(self) -> str:
        rate = self.turns / self.seconds if self.seconds else 0.0
        folder = self.files[0].parent if self.files else "-"
        return (
            f"make_night: {self.calls} calls, {self.turns} turns, {len(self.files)} files, {self.seconds:.2f} s "
            f"({rate:,.0f} turns/s), {self.bytes / 1e6:.1f} MB, "
            f"{self.days[0]}..{self.days[-1]} -> {folder}"
        )


def _require(ok: bool, message: str) -> None:
    if not ok:
        raise ValueError(message)


def parse_mix(text: str) -> dict[str, float]:
    """``calm=0.55,frustrated=0.3,aggressive=0.15`` -> dict; scenarios left out get 0."""
    mix: dict[str, float] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        name, sep, value = part.partition("=")
        name = name.strip()
        if not sep or name not in SCENARIOS:
            raise ValueError(f"mix: {part!r} must be SCENARIO=SHARE with SCENARIO one of {', '.join(SCENARIOS)}")
        try:
            mix[name] = float(value)
        except ValueError:
            raise ValueError(f"mix: share {value!r} of {name} is not a number") from None
    return mix


def parse_end_date(text: str) -> date:
    """``YYYY-MM-DD``, ``today`` or ``yesterday`` (UTC)."""
    today = datetime.now(UTC).date()
    if text in ("today", "yesterday"):
        return today if text == "today" else today - timedelta(days=1)
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"end_date: {text!r} is not YYYY-MM-DD, today or yesterday") from None


# --------------------------------------------------------------------------------------------
# Phrase bank
#
# Written for this project. Register tokens ({u}, {uw}, {kunt_u}, ...) are resolved once per
# register when the module loads; the remaining {slots} are filled per call (product, amount,
# dates, team-specific problems). Pieces are composed as opener + body + tail.
# --------------------------------------------------------------------------------------------

REGISTERS = {
    "u": {
        "{u}": "u",
        "{U}": "U",
        "{uw}": "uw",
        "{Uw}": "Uw",
        "{kunt_u}": "kunt u",
        "{Kunt_u}": "Kunt u",
        "{heeft_u}": "heeft u",
        "{Heeft_u}": "Heeft u",
        "{bent_u}": "bent u",
        "{Bent_u}": "Bent u",
        "{wilt_u}": "wilt u",
        "{Wilt_u}": "Wilt u",
    },
    "je": {
        "{u}": "je",
        "{U}": "Je",
        "{uw}": "je",
        "{Uw}": "Je",
        "{kunt_u}": "kun je",
        "{Kunt_u}": "Kun je",
        "{heeft_u}": "heb je",
        "{Heeft_u}": "Heb je",
        "{bent_u}": "ben je",
        "{Bent_u}": "Ben je",
        "{wilt_u}": "wil je",
        "{Wilt_u}": "Wil je",
    },
}

NL: dict[str, list[str]] = {
    "solution_open": [
        "Oké.",
        "Dank {u}.",
        "Helder.",
        "Prima.",
        "Goed dat {u} het zegt.",
        "Even kijken.",
        "Ja, dat zie ik.",
        "Dan weet ik genoeg.",
        "Kijk eens aan.",
        "Duidelijk.",
    ],
    "c_neutral_open": ["Eh, ", "Nou, ", "Ja, ", "Oh, ", "Wacht, ", "Even denken, "],
    # ---- agent ------------------------------------------------------------------------------
    "greet": [
        "{groet}, {U} spreekt met {name} van {company}. Waarmee kan ik {u} helpen?",
        "{groet}, klantenservice {company}, met {name}. Wat kan ik voor {u} doen?",
        "{company}, {groet_lc}, {name} aan de lijn. Waar kan ik {u} mee helpen?",
        "{groet}, welkom bij {company}. Mijn naam is {name}, waar kan ik {u} mee helpen?",
        "{groet}, met {name} van de afdeling {team_nl}. Hoe kan ik {u} vandaag verder helpen?",
        "{groet}, {name} hier, {company}. Waar gaat {uw} vraag over?",
        "Goedendag, {company}, {U} spreekt met {name}. Wat is {uw} vraag?",
    ],
    "c_hello": [
        "Ja, {groet_lc}.",
        "Hallo, goedendag.",
        "Ja, hoi.",
        "Dag {name}.",
        "Ja, goeiemiddag, met {cust}.",
        "Hallo, u spreekt met {cust}.",
        "Goedemorgen, ja.",
        "Hai, met {cust} hier.",
    ],
    "c_reason": [
        "Ik heb een vraag over {topic}.",
        "Ik bel over {topic}, kunt u daar even naar kijken?",
        "Ik wilde graag iets weten over {topic}.",
        "Ik heb een brief gekregen over {topic} en ik snap niet goed wat ik nu moet doen.",
        "Mijn klantnummer is {custno}, het gaat over {topic}.",
        "{Problem}, en ik wil graag weten hoe dat zit.",
        "Het gaat over {topic}. {Problem}, klopt dat wel?",
        "Ik zie het volgende: {problem}. Kunnen jullie dat uitzoeken?",
        "Ik had een vraag over {product}, het gaat om {topic}.",
    ],
    "c_reason_f": [
        "Ik bel nu al voor de {nth} keer over {topic} en er gebeurt gewoon niks.",
        "{Problem} en ik ben het echt spuugzat.",
        "Weer hetzelfde verhaal: {problem}. Ik word er zo moe van.",
        "Het zit zo: {problem}. En dat terwijl het vorige maand al beloofd was.",
        "{Problem}. Dit is toch niet normaal, {impact}.",
        "Ik zit hier al {wait} minuten in de wacht, en dat voor {topic}.",
        "Ik ben echt boos, {problem} en niemand belt mij terug.",
    ],
    "solution": [
        "Ik ga nu {fix}.",
        "Dan ga ik {fix}; binnen {workdays} werkdagen {heeft_u} bericht.",
        "In het systeem zie ik het volgende: {finding}.",
        "Mag ik {uw} postcode en huisnummer even?",
        "{Kunt_u} mij {uw} klantnummer geven? Dan zoek ik het op.",
        "Ik stuur {u} vandaag nog een bevestiging per mail.",
        "Het ticketnummer is {ticket}, dat {kunt_u} noemen als {u} nog eens belt.",
        "{check}",
        "Ik heb het genoteerd: {next_step}.",
        "Wat ik voor {u} kan doen, is {fix}.",
        "Dat klopt, {finding}. Ik pas het meteen aan.",
        "Het gaat om {product}, zie ik. Ik zet het verzoek nu door.",
        "Ik heb het dossier voor me. {Next_step}.",
        "Ik controleer even {uw} gegevens: klopt het dat {uw} adres {street} is?",
        "Zodra het verwerkt is, staat het in {uw} account.",
        "Ik leg het even uit: {finding}. Dat betekent: {next_step}.",
        "Daar is een oplossing voor: ik kan {fix}.",
    ],
    "solution_tail": [
        "Ik houd het voor {u} in de gaten.",
        "{U} krijgt er een mail van.",
        "Dat staat nu vast in {uw} dossier.",
        "{U} hoeft daar zelf niets meer voor te doen.",
        "Ik zet het ook in de mail die {u} vandaag krijgt.",
    ],
    "open_q": [
        "Wat zou voor {u} een goede oplossing zijn?",
        "Hoe {wilt_u} dat we het verder aanpakken?",
        "Wat is voor {u} nu het belangrijkste om te regelen?",
        "Hoe kan ik het {u} makkelijker maken?",
        "Wat zou {u} helpen om het overzicht terug te krijgen?",
    ],
    "empathy": [
        "Wat vervelend dat {u} dit al zo vaak moet uitleggen.",
        "Dat begrijp ik heel goed, dat zou mij ook dwarszitten.",
        "Ik hoor dat {u} er flink mee zit, en terecht.",
        "Het klinkt alsof dit {u} veel stress geeft.",
        "Wat een gedoe voor {u}, het spijt me echt dat het zo gelopen is.",
        "Dat is inderdaad niet hoe het hoort te gaan.",
        "Ik kan me voorstellen dat {u} hier moe van wordt.",
        "Dank {u} dat {u} het zo duidelijk uitlegt, ik begrijp {uw} frustratie.",
        "Excuses voor het lange wachten, dat is geen fijne start.",
        "Dat is schrikken, zeker als het om zo'n bedrag gaat.",
        "Ik snap dat het vertrouwen weg is na zo veel keer bellen.",
        "Heel vervelend, en dan ook nog {impact_short}.",
        "Ik begrijp dat dit {u} boos maakt, zo hoort het niet.",
    ],
    "empathy_bridge": [
        "Ik ga het meteen voor {u} uitzoeken.",
        "Laten we zorgen dat het vandaag geregeld wordt.",
        "Ik pak het nu zelf voor {u} op.",
        "Ik wil het vandaag nog voor {u} rechtzetten.",
    ],
    "boundary": [
        "Ik wil {u} graag helpen, maar ik accepteer niet dat {u} mij uitscheldt.",
        "Ik merk dat {u} heel boos bent, maar op deze toon ga ik het gesprek niet voortzetten.",
        "Ik vraag {u} om mij niet meer uit te schelden; anders beëindig ik dit gesprek.",
        "Scheldwoorden accepteer ik niet. Als het zo doorgaat, hang ik op.",
        "Ik help {u} graag verder, maar dan wel op een normale toon.",
        "Dit gaat me te ver. Ik wil {u} helpen, maar niet als {u} mij persoonlijk aanvalt.",
        "Dreigen helpt hier niet en dat accepteer ik ook niet.",
        "Als {u} mij nog een keer zo noemt, beëindig ik het gesprek en noteer ik het in {uw} dossier.",
        "Ik laat me zo niet toespreken. Ik blijf {u} helpen als {u} normaal tegen mij praat.",
        "Ik hoor {uw} boosheid, maar beledigingen horen daar niet bij. Daar stop ik het gesprek voor.",
    ],
    "boundary_tail": [
        "Zullen we verder gaan met {uw} vraag?",
        "Als dat lukt, zoek ik het nu voor {u} uit.",
        "Dan kijken we samen naar {topic}.",
        "Anders leg ik neer.",
    ],
    "commiseration": [
        "Ja, echt verschrikkelijk, ik zou ook helemaal gek worden.",
        "Ach, wat erg allemaal, ik weet echt niet wat ik moet zeggen.",
        "Ja, eerlijk gezegd snap ik zelf ook niks van hoe het hier geregeld is.",
        "Oh, wat naar, ik vind het echt zo zielig voor {u}.",
        "Ik baal er zelf ook zo van, ik heb vandaag al zoveel van dit soort gesprekken gehad.",
        "Ja, dat is ook gewoon schandalig van ons bedrijf, daar {heeft_u} helemaal gelijk in.",
        "Vreselijk, echt, ik zou er ook van wakker liggen.",
        "Wat een drama, ik voel me er zelf ook rot onder.",
        "Ja, die afdeling van ons verprutst het altijd, echt waar.",
        "Och jee, wat een ellende, ik zou ook niet weten wat ik moest doen.",
    ],
    "dismissive": [
        "Daar kan ik ook niks aan doen.",
        "Dat is niet mijn afdeling.",
        "Dan had {u} de voorwaarden maar beter moeten lezen.",
        "Tja, dat is toch {uw} eigen schuld.",
        "Ik doe gewoon wat het systeem zegt, meer kan ik niet.",
        "{U} bent heus niet de enige met problemen.",
        "Als het {u} niet bevalt, is opzeggen altijd mogelijk.",
        "Rustig maar, zo erg is het nu ook weer niet.",
        "Dat heb ik net al uitgelegd.",
        "Bel morgen maar terug, dan zit er misschien iemand anders.",
        "Nou, dan niet.",
        "Schreeuwen maakt het niet sneller, hoor.",
    ],
    "filler": ["Momentje.", "Oké.", "Ja.", "Mm-hm.", "Even kijken.", "Ja, ik ben er nog.", "Eén moment."],
    "hold": [
        "Ik zet {u} heel even in de wacht, ik overleg met een collega.",
        "Mag ik {u} een paar minuutjes in de wacht zetten? Ik vraag het na bij de backoffice.",
        "Wacht {u} heel even? Ik zoek het voor {u} op.",
    ],
    "back": ["Bedankt voor het wachten.", "Zo, daar ben ik weer.", "Dank {u} voor {uw} geduld."],
    "close": [
        "Is er verder nog iets waarmee ik {u} kan helpen?",
        "Dan wens ik {u} nog een fijne dag.",
        "Bedankt voor het bellen, tot ziens.",
        "Graag gedaan, nog een fijne {dagdeel}.",
        "Dan is het geregeld. Prettige dag verder.",
        "Fijn dat ik {u} kon helpen, dag.",
    ],
    # ---- customer ---------------------------------------------------------------------------
    "c_neutral": [
        "Ja, dat klopt.",
        "Mijn postcode is {postcode}, huisnummer {house}.",
        "Het klantnummer is {custno}.",
        "Oké. En wanneer hoor ik daar dan iets over?",
        "Hoe lang gaat dat ongeveer duren?",
        "Nee, verder niet.",
        "Ja, {step_done}.",
        "Dat was op {date}, denk ik.",
        "Kunt u dat ook per mail bevestigen? Mijn adres is {email}.",
        "Mijn telefoonnummer is {phone}.",
        "Ja, dat is goed.",
        "Oké, dat wist ik niet.",
        "Moet ik daar zelf nog iets voor doen?",
        "En kost dat extra?",
        "Wacht even, ik pak de brief erbij.",
        "Het gaat om {product}.",
        "Mijn rekeningnummer is {iban}.",
        "Het adres is {street}, in {city}.",
        "Klopt, sinds {date}.",
        "En het bedrag was {amount}, toch?",
        "Dus als ik het goed begrijp, {next_step}?",
        "Kan dat ook op een zaterdag?",
        "Dat staat op naam van mijn man, mag dat ook?",
        "Ik heb het nummer {ticket} gekregen de vorige keer.",
    ],
    "c_back": ["Ja.", "Oké.", "Ja, klopt.", "Mm-hm.", "Ja ja.", "Prima.", "Goed.", "Hm.", "Ja, ik ben er nog."],
    "c_frustrated": [
        "Dit is nu al de {nth} keer dat ik hierover moet bellen.",
        "Verdorie, ik heb hier gewoon geen tijd voor.",
        "Elke keer krijg ik een ander verhaal te horen, ik word er gek van.",
        "Jezus, wat een gedoe is dit toch.",
        "Godsamme, het is ook altijd wat met jullie bedrijf.",
        "Ik ben het zo zat, echt waar.",
        "Eerlijk gezegd vertrouw ik het gewoon niet meer.",
        "Ik zit hier al {wait} minuten in de wacht, dat is toch niet normaal.",
        "Als dit niet snel opgelost wordt, zeg ik alles op.",
        "Dan stap ik gewoon over naar een andere aanbieder.",
        "Ik ga hier een klacht over indienen, dat kan ik u wel vertellen.",
        "Ik stap naar de Geschillencommissie als het zo doorgaat.",
        "Ik slaap er slecht van, echt.",
        "Ik maak me gewoon zorgen, want {impact}.",
        "Shit, daar gaat mijn hele middag weer.",
        "Ik word hier echt moedeloos van.",
        "Waarom moet ik alles drie keer uitleggen?",
        "Het is gewoon te gek voor woorden, {impact}.",
        "Vorige week is me beloofd dat het opgelost zou zijn, en er is niks gebeurd.",
        "Ik betaal elke maand {amount} en dan krijg ik dit.",
        "Verdomme, ik heb dit allemaal al een keer doorgegeven.",
        "Ik voel me echt aan het lijntje gehouden.",
        "Dan schakel ik een advocaat in, want zo gaat het niet langer.",
        "Ik ben zo teleurgesteld in jullie service.",
    ],
    "c_frustrated_open": ["Nou, ", "Ja maar ", "Kijk, ", "Sorry hoor, maar ", "Eerlijk gezegd: ", "Weet u, "],
    "c_frustrated_tail": [
        "Dit kan echt niet zo.",
        "Ik ben er klaar mee.",
        "Belachelijk gewoon.",
        "Ik wil dat het nu opgelost wordt.",
        "Anders zeg ik mijn abonnement op.",
        "Ik wil een compensatie.",
    ],
    "c_aggressive": [
        "Ben jij nou echt zo dom of doe je alsof?",
        "Hou je mond en luister naar mij.",
        "Jij bent echt de slechtste medewerker die ik ooit aan de lijn heb gehad.",
        "Wat ben jij een ongelofelijke sukkel.",
        "Ik weet waar jullie kantoor zit, ik kom daar persoonlijk langs.",
        "Ik zet jouw naam op Facebook, dan weet iedereen wat voor figuur je bent.",
        "Geef me nu je leidinggevende, met jou praat ik niet meer, idioot.",
        "Je bent gewoon een robot, hoor je dat? Een nutteloze robot.",
        "Klootzak, ik heb je al drie keer gezegd wat er aan de hand is.",
        "Doe je werk eens, luiwammes.",
        "Als ik je ooit tegenkom, dan weet je het wel.",
        "Kun je niet lezen of zo? Het staat gewoon op je scherm, sukkel.",
        "Je lult uit je nek, {name}.",
        "Wat een stomme trut ben jij.",
        "Zeur niet, malloot, en regel het gewoon.",
        "Met jouw hersens zou ik ook bij een callcenter werken.",
        "Ik ga ervoor zorgen dat jij ontslagen wordt, let maar op.",
    ],
    "c_aggressive_tail": ["Idioot.", "Begrijp je dat, of is dat te moeilijk voor je?", "Sukkel.", "Nu meteen!"],
    "c_close": [
        "Oké, dank u wel, fijne dag nog.",
        "Top, bedankt voor de hulp.",
        "Ja, dat was het. Doei.",
        "Dankjewel, dag.",
        "Fijn, dan wacht ik het af. Dag.",
        "Nee, dat was alles, bedankt.",
    ],
    "c_close_f": ["Nou, we zullen zien. Dag.", "Ik hoop het maar. Dag.", "Ik geloof het pas als ik het zie. Dag."],
    "c_close_a": ["Bekijk het maar, sukkel.", "Rot toch op, ik hang op.", "Jij hoort nog van me, eikel."],
}

# Flemish pieces: added (twice, for weight) to the Dutch pools of a call with a Flemish customer.
VL: dict[str, list[str]] = {
    "greet": [
        "Goeiendag, {company}, {name} aan de lijn. Waarmee kan ik {u} van dienst zijn?",
        "{groet}, {company}, u spreekt met {name}. Zeg het maar.",
    ],
    "c_hello": ["Ja, goeiendag.", "Hallo, ja, dag {name}.", "Goeiemiddag, met {cust}."],
    "c_reason": [
        "Ik bel voor {topic}, ge moet mij eens helpen.",
        "Awel, het gaat over {topic}.",
        "{Problem}, is dat normaal?",
    ],
    "c_reason_f": [
        "Allez, da's nu al de {nth} keer dat ik bel voor {topic}.",
        "{Problem} en ik heb er mijn buik van vol.",
    ],
    "solution": ["Ik ga dat efkes nakijken voor {u}.", "Ik zet dat direct in orde: {next_step}."],
    "empathy": ["Amai, dat is echt vervelend voor {u}, dat begrijp ik.", "Dat is inderdaad niet plezant, ik snap dat."],
    "c_neutral": [
        "Ja, da's juist.",
        "Ik woon in {city}, postcode {postcode}.",
        "Zeker en vast.",
        "Ge moogt mij altijd terugbellen op {phone}.",
        "Dat is in orde.",
        "En hoelang gaat da duren?",
    ],
    "c_back": ["Ja, juist.", "Awel ja.", "Oké, goed."],
    "c_frustrated": [
        "Allez, dat kan toch niet.",
        "Amai, ge moet dat eens meemaken, elke dag opnieuw.",
        "Ik heb daar eigenlijk geen goesting meer in, ik zeg het gewoon op.",
        "Ge kunt da toch niet maken tegenover uw klanten.",
        "Godverdomme, weeral hetzelfde probleem.",
    ],
    "c_aggressive": [
        "Gij zijt echt ne zot, weet ge dat?",
        "Zwijgt gij nu eens en luister.",
        "Ge zijt ne nul, echt waar.",
        "Ik kom naar uw kantoor en dan zullen we eens zien, onnozelaar.",
    ],
    "c_close": ["Merci, salut.", "Allez, merci hé, dag."],
}

EN: dict[str, list[str]] = {
    "solution_open": [
        "Okay.",
        "Thank you.",
        "Right.",
        "Got it.",
        "Good that you mention it.",
        "Let me see.",
        "Yes, I can see that.",
        "Clear.",
    ],
    "c_neutral_open": ["Er, ", "Well, ", "Oh, ", "Hang on, ", "Let me think, "],
    "greet": [
        "{groet}, you're speaking with {name} from {company}. How can I help you?",
        "{groet}, {company} customer service, {name} speaking. What can I do for you?",
        "{company}, {groet_lc}, this is {name}. How may I help?",
        "{groet}, thanks for calling {company}. My name is {name}, what's the call about?",
        "{groet}, {name} from the {team_en} team. How can I help you today?",
    ],
    "c_hello": ["Yes, hi.", "Hello, {groet_lc}.", "Hi {name}.", "Hello, this is {cust}.", "Hi there, {cust} here."],
    "c_reason": [
        "I have a question about {topic}.",
        "I'm calling about {topic}, could you have a look?",
        "I got a letter about {topic} and I'm not sure what to do now.",
        "My customer number is {custno}, it's about {topic}.",
        "It looks like {problem}, and I'd like to understand why.",
        "It's about {topic}. {Problem}, is that right?",
        "I had a question about {product}, regarding {topic}.",
    ],
    "c_reason_f": [
        "This is the {nth_en} time I'm calling about {topic} and nothing happens.",
        "{Problem} and I'm honestly fed up with it.",
        "Same story again: {problem}. I'm so tired of this.",
        "{Problem}. This isn't normal, {impact}.",
        "I've been on hold for {wait} minutes, just for {topic}.",
    ],
    "solution": [
        "I'm going to {fix} right now.",
        "I'll {fix}, and you'll hear from us within {workdays} working days.",
        "In the system I can see that {finding}.",
        "Could I have your postcode and house number, please?",
        "Can you give me your customer number? Then I'll look it up.",
        "I'll send you a confirmation by email today.",
        "Your ticket number is {ticket}, mention it if you call again.",
        "{check}",
        "I've noted it down: {next_step}.",
        "What I can do for you is {fix}.",
        "That's right, {finding}. I'm correcting it now.",
        "It's about {product}, I see. I'm passing the request on now.",
        "Let me check your details: is your address still {street}?",
        "Once it's processed, you'll see it in your account.",
        "Here's what happened: {finding}, so {next_step}.",
    ],
    "solution_tail": [
        "I'll keep an eye on it for you.",
        "You'll get an email about it.",
        "It's on your file now.",
        "You don't need to do anything yourself.",
    ],
    "open_q": [
        "What would be a good outcome for you?",
        "How would you like us to take this forward?",
        "What matters most to you to get sorted today?",
        "How can I make this easier for you?",
    ],
    "empathy": [
        "I'm sorry you've had to explain this so many times.",
        "I completely understand, that would bother me too.",
        "I can hear this has really been weighing on you, and rightly so.",
        "It sounds like this has caused you a lot of stress.",
        "What a hassle for you, I'm truly sorry it went this way.",
        "That's really not how it should have gone.",
        "I can imagine you're tired of this by now.",
        "Thank you for explaining it so clearly, I understand your frustration.",
        "Sorry about the long wait, that's not a good start.",
        "I get why you've lost faith in us after calling so often.",
    ],
    "empathy_bridge": [
        "Let me sort this out for you straight away.",
        "Let's make sure it gets fixed today.",
        "I'll take this on myself.",
    ],
    "boundary": [
        "I want to help you, but I won't accept being called names.",
        "I can tell you're very angry, but I won't continue the call in this tone.",
        "Please stop swearing at me; otherwise I'll have to end this call.",
        "I don't accept insults. If this continues, I'll hang up.",
        "I'm happy to keep helping, but only if we keep this respectful.",
        "That's going too far. I want to help you, but not while you attack me personally.",
        "Threats won't help here, and I won't accept them.",
        "If you call me that once more, I'll end the call and note it on your file.",
    ],
    "boundary_tail": [
        "Shall we get back to your question?",
        "If we can do that, I'll look into it for you now.",
        "Otherwise I'll end the call.",
    ],
    "commiseration": [
        "Oh, that's just awful, I'd go completely mad too.",
        "Oh dear, how terrible, I honestly don't know what to say.",
        "To be honest I don't understand how things are run here either.",
        "That's so sad, I really feel so sorry for you.",
        "I'm fed up with it too, I've had so many calls like this today.",
        "Yes, it's a disgrace from our company, you're completely right.",
        "Terrible, really, I'd lose sleep over it too.",
        "That department of ours always messes it up, honestly.",
    ],
    "dismissive": [
        "There's nothing I can do about that.",
        "That's not my department.",
        "You should have read the terms and conditions.",
        "Well, that's your own fault, isn't it.",
        "I just do what the system tells me.",
        "You're not the only one with problems, you know.",
        "If you don't like it, you can always cancel.",
        "Calm down, it's not that bad.",
        "I've already explained that.",
        "Call back tomorrow, maybe someone else can help.",
    ],
    "filler": ["One moment.", "Okay.", "Yes.", "Mm-hm.", "Let me see.", "Yes, I'm still here."],
    "hold": [
        "I'm going to put you on hold briefly while I check with a colleague.",
        "Could I put you on hold for a couple of minutes? I'll ask the back office.",
    ],
    "back": ["Thanks for holding.", "Right, I'm back.", "Thank you for your patience."],
    "close": [
        "Is there anything else I can help you with?",
        "Have a lovely {dagdeel_en}.",
        "Thanks for calling, goodbye.",
        "You're welcome, take care.",
        "That's all sorted then. Have a good day.",
    ],
    "c_neutral": [
        "Yes, that's correct.",
        "My postcode is {postcode}, number {house}.",
        "The customer number is {custno}.",
        "Okay. And when will I hear back?",
        "How long will that take, roughly?",
        "No, nothing else.",
        "Yes, {step_done}.",
        "That was on {date}, I think.",
        "Could you confirm that by email? It's {email}.",
        "My phone number is {phone}.",
        "Yes, that's fine.",
        "Okay, I didn't know that.",
        "Do I need to do anything myself?",
        "Does that cost extra?",
        "It's about {product}.",
        "My account number is {iban}.",
        "The address is {street}, {city}.",
        "And the amount was {amount}, right?",
        "So if I understand correctly, {next_step}?",
        "Can it be done on a Saturday?",
    ],
    "c_back": ["Yes.", "Okay.", "Right.", "Mm-hm.", "Sure.", "Fine.", "Yeah."],
    "c_frustrated": [
        "This is the {nth_en} time I've had to call about this.",
        "Damn it, I don't have time for this.",
        "Every time I get a different story, it's driving me mad.",
        "God, what a mess this is.",
        "It's always something with your company.",
        "I'm so sick of this, honestly.",
        "I've been on hold for {wait} minutes, that's not normal.",
        "If this isn't fixed soon I'm cancelling everything.",
        "I'll just switch to another provider then.",
        "I'm going to file a complaint about this.",
        "I'll go to the ombudsman if this carries on.",
        "I'm really worried, because {impact}.",
        "Bloody hell, there goes my whole afternoon again.",
        "Why do I have to explain everything three times?",
        "Last week I was promised it would be fixed and nothing happened.",
        "I pay {amount} every month and this is what I get.",
        "I feel like I'm being strung along.",
    ],
    "c_frustrated_open": ["Look, ", "Well, ", "Sorry, but ", "Honestly, "],
    "c_frustrated_tail": [
        "This is ridiculous.",
        "I've had enough.",
        "I want it fixed now.",
        "Otherwise I'm cancelling my subscription.",
    ],
    "c_aggressive": [
        "Are you actually this stupid or are you pretending?",
        "Shut up and listen to me.",
        "You're the worst agent I've ever spoken to.",
        "What an unbelievable idiot you are.",
        "I know where your office is, I'll come down there in person.",
        "I'll put your name all over social media, everyone will know what you are.",
        "Get me your manager, I'm done talking to you, moron.",
        "You're just a useless robot, do you hear me?",
        "Can't you read? It's right there on your screen, you muppet.",
        "Do your bloody job for once, you lazy sod.",
        "You'd better hope I never run into you.",
        "I'll make sure you get fired, just watch.",
    ],
    "c_aggressive_tail": ["Idiot.", "Is that too hard for you?", "Right now!"],
    "c_close": [
        "Okay, thank you, have a nice day.",
        "Great, thanks for your help.",
        "That's all, bye.",
        "Thanks, bye.",
        "Fine, I'll wait for it then. Bye.",
    ],
    "c_close_f": ["Well, we'll see. Bye.", "I hope so. Bye.", "I'll believe it when I see it."],
    "c_close_a": ["Go to hell, I'm hanging up.", "Whatever, you useless idiot.", "You'll hear from me, jerk."],
}

# Per team: what the call is about. Problems and findings are main clauses (Dutch word order),
# fixes are infinitive phrases ("een monteur inplannen"), checks are whole diagnostic questions.
TEAM_NL: dict[str, dict[str, list[str]]] = {
    "billing": {
        "topic": ["mijn factuur van {month}", "het termijnbedrag", "de laatste afschrijving", "mijn jaarafrekening"],
        "problem": [
            "er is twee keer {amount} van mijn rekening afgeschreven",
            "mijn termijnbedrag is ineens verhoogd naar {amount}",
            "ik krijg een aanmaning terwijl ik allang betaald heb",
            "de jaarafrekening komt {amount} hoger uit dan vorig jaar",
            "ik word nog steeds gefactureerd na mijn opzegging",
        ],
        "fix": [
            "het bedrag van {amount} terugstorten",
            "een creditnota aanmaken",
            "de aanmaning intrekken",
            "een betalingsregeling voor {u} klaarzetten",
            "het termijnbedrag verlagen naar {amount2}",
        ],
        "check": [
            "Over welke maand gaat het precies?",
            "Staat de dubbele afschrijving ook op {uw} bankafschrift van {date}?",
            "{Heeft_u} de factuur per post of per mail ontvangen?",
        ],
        "finding": [
            "de incasso is op {date} per ongeluk twee keer verwerkt",
            "het termijnbedrag is automatisch aangepast na de jaarafrekening",
            "{uw} betaling is wel binnen, maar aan de verkeerde factuur gekoppeld",
        ],
        "next_step": [
            "het geld staat binnen {workdays} werkdagen weer op {uw} rekening",
            "de aanmaning vervalt en er komen geen extra kosten bij",
            "{u} krijgt vandaag een gecorrigeerde factuur",
        ],
        "impact": ["mijn huur gaat over een paar dagen van die rekening af", "ik sta nu gewoon rood"],
        "impact_short": ["vlak voor het einde van de maand"],
        "step_done": ["ik heb het bedrag zelf nagerekend", "ik heb de factuur hier voor me liggen"],
    },
    "technical": {
        "topic": ["mijn internetverbinding", "de modem", "de tv-ontvanger", "de wifi in huis"],
        "problem": [
            "het internet valt elke avond weg",
            "de modem knippert al de hele dag rood",
            "ik heb al {days} dagen geen tv-beeld",
            "de wifi haalt nog geen tiende van de snelheid waar ik voor betaal",
            "de monteur is niet komen opdagen",
        ],
        "fix": [
            "de modem op afstand herstarten",
            "een monteur inplannen",
            "een nieuwe modem naar {u} opsturen",
            "de lijn doormeten",
            "een storingsmelding met voorrang aanmaken",
        ],
        "check": [
            "{Heeft_u} de modem al een keer helemaal losgekoppeld?",
            "Brandt het lampje bij internet groen of oranje?",
            "{Kunt_u} even kijken of de kabel goed in de wandcontactdoos zit?",
            "Zit {u} via de wifi of via een kabel op het netwerk?",
        ],
        "finding": [
            "er is een storing in {uw} wijk",
            "de lijn geeft veel ruis op het signaal",
            "{uw} modem draait nog op een oude versie van de software",
        ],
        "next_step": [
            "de monteur komt {date} tussen acht en twaalf",
            "de nieuwe modem ligt binnen {workdays} werkdagen bij {u} in de bus",
            "de storing is naar verwachting vanavond verholpen",
        ],
        "impact": ["ik kan al {days} dagen niet thuiswerken", "mijn kinderen kunnen hun huiswerk niet maken"],
        "impact_short": ["terwijl {u} thuis moet werken"],
        "step_done": ["ik heb de modem net opnieuw opgestart", "ik heb alle kabels al nagelopen"],
    },
    "moving": {
        "topic": ["mijn verhuizing", "het overzetten van mijn aansluiting", "de opzegging op mijn oude adres"],
        "problem": [
            "de aansluiting op mijn nieuwe adres is nog steeds niet actief",
            "ik word nog gefactureerd voor mijn oude adres",
            "de monteur is op de verhuisdag niet gekomen",
            "mijn verhuisdatum staat verkeerd in jullie systeem",
        ],
        "fix": [
            "de verhuizing met voorrang inplannen",
            "de facturen voor het oude adres stopzetten",
            "een nieuwe afspraak met de monteur maken",
            "de verhuisdatum aanpassen naar {date}",
        ],
        "check": [
            "Wat is de datum waarop {u} de sleutel van het nieuwe huis krijgt?",
            "Op welk adres {wilt_u} de nieuwe apparatuur ontvangen?",
        ],
        "finding": [
            "de verhuizing staat op {date} in de planning",
            "het oude adres is nooit afgemeld",
            "er ontbreekt een bevestiging van de netbeheerder",
        ],
        "next_step": [
            "de aansluiting wordt {date} geactiveerd",
            "{u} ontvangt een eindafrekening voor het oude adres",
        ],
        "impact": ["ik zit in een leeg huis zonder internet", "ik betaal nu voor twee adressen"],
        "impact_short": ["midden in een verhuizing"],
        "step_done": ["de sleuteloverdracht was op {date}", "ik heb het verhuisformulier online ingevuld"],
    },
    "sales": {
        "topic": [
            "een nieuw abonnement",
            "de aanbieding uit de reclame",
            "een extra tv-pakket",
            "mijn contractverlenging",
        ],
        "problem": [
            "de korting die mij beloofd was staat niet op de factuur",
            "ik heb een pakket gekregen dat ik nooit besteld heb",
            "mijn contract is zonder overleg verlengd",
        ],
        "fix": [
            "de korting van {amount2} alsnog verwerken",
            "het pakket kosteloos annuleren",
            "{uw} contract omzetten naar {product}",
        ],
        "check": ["Welk pakket {heeft_u} nu precies?", "Wanneer is {uw} huidige contract ingegaan?"],
        "finding": ["de korting is niet doorgezet bij de verlenging", "het pakket is per vergissing aangevinkt"],
        "next_step": ["de korting staat vanaf de volgende factuur erop", "{u} ontvangt de nieuwe voorwaarden per mail"],
        "impact": ["ik betaal meer dan wat mij beloofd is", "ik heb daar nooit voor gekozen"],
        "impact_short": ["na zo'n duidelijke belofte"],
        "step_done": ["ik heb de aanbieding hier nog in mijn mail", "ik heb het contract hier voor me"],
    },
    "general": {
        "topic": ["mijn account", "mijn contract", "een brief die ik kreeg"],
        "problem": ["mijn gegevens kloppen niet", "ik krijg geen antwoord op mijn mail", "mijn account is geblokkeerd"],
        "fix": ["{uw} gegevens aanpassen", "de blokkade opheffen", "{uw} mail met voorrang laten behandelen"],
        "check": ["Wanneer {heeft_u} de mail gestuurd?", "Om welke gegevens gaat het?"],
        "finding": ["{uw} mail is bij de verkeerde afdeling beland", "er staat een oud adres in het systeem"],
        "next_step": ["{u} krijgt binnen {workdays} werkdagen antwoord"],
        "impact": ["ik kan nergens meer bij", "ik wacht al {days} dagen"],
        "impact_short": ["na zo lang wachten"],
        "step_done": ["ik heb alles al online ingevuld"],
    },
}

TEAM_EN: dict[str, dict[str, list[str]]] = {
    "billing": {
        "topic": ["my bill for {month_en}", "the monthly instalment", "the last direct debit", "my annual statement"],
        "problem": [
            "you've taken {amount} from my account twice",
            "my monthly payment has suddenly gone up to {amount}",
            "I got a reminder even though I paid ages ago",
            "I'm still being billed after cancelling",
        ],
        "fix": ["refund the {amount}", "issue a credit note", "withdraw the reminder", "set up a payment plan for you"],
        "check": ["Which month is it about exactly?", "Did you get the bill by post or by email?"],
        "finding": [
            "the direct debit on {date_en} was processed twice by mistake",
            "your payment came in but was matched to the wrong invoice",
        ],
        "next_step": [
            "the money will be back in your account within {workdays} working days",
            "the reminder is cancelled with no extra costs",
        ],
        "impact": ["my rent goes out of that account in a few days", "I'm overdrawn now"],
        "impact_short": ["right before the end of the month"],
        "step_done": ["I've checked the amount myself", "I have the bill right here"],
    },
    "technical": {
        "topic": ["my internet connection", "the modem", "the TV box", "the wifi at home"],
        "problem": [
            "the internet drops out every evening",
            "the modem has been blinking red all day",
            "I haven't had a TV picture for {days} days",
            "the engineer never showed up",
        ],
        "fix": ["restart the modem remotely", "book an engineer", "send you a new modem", "run a line test"],
        "check": ["Have you tried unplugging the modem completely?", "Is the internet light green or orange?"],
        "finding": ["there's an outage in your area", "your modem is running old software"],
        "next_step": [
            "the engineer will come on {date_en} between eight and twelve",
            "the new modem will arrive within {workdays} working days",
        ],
        "impact": ["I haven't been able to work from home for {days} days", "my kids can't do their homework"],
        "impact_short": ["when you need to work from home"],
        "step_done": ["I've just restarted the modem", "I've checked all the cables"],
    },
    "moving": {
        "topic": ["my move", "transferring my connection", "cancelling at my old address"],
        "problem": [
            "the connection at my new address still isn't active",
            "I'm still being billed for my old address",
            "the engineer didn't come on moving day",
        ],
        "fix": [
            "prioritise the move",
            "stop the bills for the old address",
            "book a new engineer appointment",
        ],
        "check": ["When do you get the keys to the new place?", "Where would you like the new equipment delivered?"],
        "finding": ["the move is scheduled for {date_en}", "the old address was never signed off"],
        "next_step": ["the connection will be activated on {date_en}", "you'll get a final bill for the old address"],
        "impact": ["I'm sitting in an empty house without internet", "I'm paying for two addresses"],
        "impact_short": ["in the middle of a move"],
        "step_done": ["I got the keys on {date_en}", "I filled in the moving form online"],
    },
    "sales": {
        "topic": ["a new subscription", "the offer from the advert", "an extra TV package", "my contract renewal"],
        "problem": [
            "the discount I was promised isn't on the bill",
            "I got a package I never ordered",
            "my contract was renewed without asking me",
        ],
        "fix": ["apply the {amount2} discount after all", "cancel the package free of charge"],
        "check": ["Which package do you have right now?", "When did your current contract start?"],
        "finding": ["the discount wasn't carried over at renewal", "the package was ticked by mistake"],
        "next_step": ["the discount will be on your next bill", "you'll get the new terms by email"],
        "impact": ["I'm paying more than I was promised", "I never chose that"],
        "impact_short": ["after such a clear promise"],
        "step_done": ["I still have the offer in my email", "I have the contract in front of me"],
    },
    "general": {
        "topic": ["my account", "my contract", "a letter I received"],
        "problem": ["my details are wrong", "nobody answers my emails", "my account is blocked"],
        "fix": ["update your details", "lift the block", "get your email handled with priority"],
        "check": ["When did you send the email?", "Which details are wrong?"],
        "finding": ["your email ended up with the wrong department", "an old address is still on file"],
        "next_step": ["you'll get an answer within {workdays} working days"],
        "impact": ["I can't get into anything", "I've been waiting {days} days"],
        "impact_short": ["after such a long wait"],
        "step_done": ["I've already filled everything in online"],
    },
}

TEAM_NAMES_NL = {"billing": "facturatie", "technical": "techniek", "moving": "verhuizingen", "sales": "verkoop"}
COMPANIES = ("Polderstroom", "Klaverlijn", "Duinnet", "Veenhof Energie", "Lindeboom Telecom")
AGENT_NAMES = (
    "Noor", "Daan", "Femke", "Bram", "Lotte", "Jelle", "Iris", "Ruben", "Mila", "Thijs", "Esra", "Youssef",
    "Anouk", "Koen", "Fleur", "Sem", "Ilse", "Jasper", "Naima", "Wout", "Lien", "Pieter", "Hanne", "Stijn",
    "Fatima", "Mehmet", "Sophie", "Lars", "Yara", "Tom",
)  # fmt: skip
SURNAMES = ("Jansen", "De Vries", "Bakker", "Visser", "Smit", "Mulder", "Peeters", "Claes", "Vermeulen", "El Amrani")
STREETS = ("Kerkstraat", "Molenweg", "Stationsplein", "Lindelaan", "Dorpsstraat", "Havenkade", "Beukenlaan")
CITIES_NL = ("Utrecht", "Zwolle", "Breda", "Leiden", "Groningen", "Arnhem", "Tilburg", "Delft")
CITIES_BE = ("Gent", "Mechelen", "Leuven", "Hasselt", "Brugge", "Antwerpen")
PRODUCTS_NL = ("Glasvezel 500", "Internet Basis", "TV Compleet", "Groene Stroom Vast", "Mobiel Onbeperkt")
PRODUCTS_EN = ("Fibre 500", "Internet Basic", "TV Complete", "Green Power Fixed", "Mobile Unlimited")
MAIL_DOMAINS = ("mailbox.nl", "postvak.be", "webpost.com")
BANK_CODES = ("INGB", "RABO", "ABNA", "SNSB", "TRIO")
MONTHS_NL = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
]
MONTHS_EN = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
NTH_NL = ("derde", "vierde", "vijfde", "zesde")
NTH_EN = ("third", "fourth", "fifth", "sixth")
FILLERS = {"nl": ("eh", "uhm", "euh", "nou", "eh eh"), "en": ("uh", "um", "er", "like", "you know")}


@dataclass(frozen=True)
class Bank:
    """Phrase pools of one language, register and region, with register tokens resolved."""

    lang: str
    flemish: bool
    pools: dict[str, tuple[str, ...]]
    team: dict[str, dict[str, tuple[str, ...]]]


def _render(text: str, register: Mapping[str, str]) -> str:
    for token, word in register.items():
        text = text.replace(token, word)
    return text


def _build_bank(lang: str, register: str, flemish: bool) -> Bank:
    tokens = REGISTERS[register]
    source = NL if lang == "nl" else EN
    pools: dict[str, list[str]] = {k: list(v) for k, v in source.items()}
    if flemish:
        for kind, extra in VL.items():
            pools[kind] = pools[kind] + extra * 2
    teams = TEAM_NL if lang == "nl" else TEAM_EN
    return Bank(
        lang=lang,
        flemish=flemish,
        pools={k: tuple(_render(t, tokens) for t in v) for k, v in pools.items()},
        team={
            name: {k: tuple(_render(t, tokens) for t in v) for k, v in slots.items()} for name, slots in teams.items()
        },
    )


BANKS: dict[tuple[str, str, bool], Bank] = {
    ("nl", "u", False): _build_bank("nl", "u", False),
    ("nl", "je", False): _build_bank("nl", "je", False),
    ("nl", "u", True): _build_bank("nl", "u", True),
    ("nl", "je", True): _build_bank("nl", "je", True),
    ("en", "u", False): _build_bank("en", "u", False),
}

# --------------------------------------------------------------------------------------------
# Speech-recognition form: lowercase, no punctuation, numbers written out, fillers
# --------------------------------------------------------------------------------------------

_NL_UNITS = [
    "nul",
    "een",
    "twee",
    "drie",
    "vier",
    "vijf",
    "zes",
    "zeven",
    "acht",
    "negen",
    "tien",
    "elf",
    "twaalf",
    "dertien",
    "veertien",
    "vijftien",
    "zestien",
    "zeventien",
    "achttien",
    "negentien",
]
_NL_TENS = ["_", "_", "twintig", "dertig", "veertig", "vijftig", "zestig", "zeventig", "tachtig", "negentig"]
_EN_UNITS = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_EN_TENS = ["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def _nl_words(n: int) -> str:
    if n < 20:
        return _NL_UNITS[n]
    if n < 100:
        tens, unit = divmod(n, 10)
        if not unit:
            return _NL_TENS[tens]
        head = _NL_UNITS[unit]
        return head + ("ën" if head.endswith("e") else "en") + _NL_TENS[tens]
    hundreds, rest = divmod(n, 100)
    head = "honderd" if hundreds == 1 else _NL_UNITS[hundreds] + "honderd"
    return head + (_nl_words(rest) if rest else "")


def _en_words(n: int) -> str:
    if n < 20:
        return _EN_UNITS[n]
    if n < 100:
        tens, unit = divmod(n, 10)
        return _EN_TENS[tens] + (f"-{_EN_UNITS[unit]}" if unit else "")
    hundreds, rest = divmod(n, 100)
    return f"{_EN_UNITS[hundreds]} hundred" + (f" and {_en_words(rest)}" if rest else "")


NUMBER_WORDS = {
    "nl": tuple(_nl_words(n) for n in range(1000)),
    "en": tuple(_en_words(n) for n in range(1000)),
}
# Short numbers and amounts, not parts of phone numbers, postcodes, tickets or account numbers.
_NUMBER = re.compile(r"(?<![\w-])\d{1,3}(?:[.,]\d{2})?(?![\w-]|[.,:]\d)")
_PUNCT = str.maketrans({c: " " for c in '.,;:!?"()'})


def asr_form(text: str, lang: str, rng: random.Random) -> str:
    """``text`` as a recogniser writes it: lowercase, no punctuation, short numbers as words, fillers."""
    words = NUMBER_WORDS[lang]

    def spell(m: re.Match[str]) -> str:
        parts = re.split(r"[.,]", m.group())
        return " ".join(words[int(p)] for p in parts)

    if any(c.isdigit() for c in text):
        text = _NUMBER.sub(spell, text)
    tokens = text.lower().translate(_PUNCT).split()
    fillers = FILLERS[lang]
    r = rng.random
    if r() < 0.3:
        tokens.insert(0, fillers[int(r() * len(fillers))])
    if len(tokens) > 6 and r() < 0.5:
        tokens.insert(1 + int(r() * (len(tokens) - 1)), fillers[int(r() * len(fillers))])
    if len(tokens) > 3 and r() < 0.12:  # a restart: the recogniser hears a word twice
        i = int(r() * len(tokens))
        tokens.insert(i, tokens[i])
    return " ".join(tokens)


# --------------------------------------------------------------------------------------------
# Agents, days, calls
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Profile:
    """How an agent answers: probabilities per customer state (jittered per agent)."""

    empathy: float  # on frustration: empathy (mostly with a solution)
    commiserate: float  # on frustration or aggression
    dismiss: float  # on frustration or aggression
    dismiss_neutral: float
    boundary: float  # on the second and later aggressive turns of an episode
    over_neutral: float  # commiseration on a neutral turn


PROFILE_PARAMS = {
    "steady": Profile(empathy=0.85, commiserate=0.03, dismiss=0.01, dismiss_neutral=0.0, boundary=0.85, over_neutral=0),
    "misses_empathy": Profile(0.2, 0.02, 0.03, 0.005, 0.6, 0.0),
    "no_boundary": Profile(0.7, 0.12, 0.02, 0.0, 0.0, 0.01),
    "curt": Profile(0.25, 0.0, 0.3, 0.06, 0.5, 0.0),
    "over_empathic": Profile(0.55, 0.4, 0.0, 0.0, 0.2, 0.12),
}
# Share of agents with each profile; at least one of each once there are five agents.
PROFILE_SHARES = {"steady": 0.5, "misses_empathy": 0.15, "no_boundary": 0.12, "curt": 0.1, "over_empathic": 0.13}
TEAM_WEIGHTS = {"billing": 0.35, "technical": 0.35, "moving": 0.12, "sales": 0.18}
WEEKDAY_WEIGHTS = (1.0, 0.9, 0.85, 0.85, 0.8, 0.35, 0.15)
# Calls per local hour (08:00..19:59 on weekdays): a morning peak, a lunch dip, a smaller afternoon peak.
HOUR_WEIGHTS = (6, 10, 11, 10, 8, 7, 9, 9, 8, 6, 4, 3)
WEEKEND_HOURS = (9, 17)


@dataclass(frozen=True)
class Agent:
    agent_id: str
    name: str
    team: str
    profile: str
    params: Profile
    workload: float


def make_agents(options: NightOptions) -> list[Agent]:
    """The agents of a run: ids ``a-001``..., teams round-robin, skill profiles by share, shuffled by seed."""
    rng = random.Random(f"{options.seed}/agents")
    n = options.agents
    quotas = {p: share * n for p, share in PROFILE_SHARES.items()}
    counts = {p: int(q) for p, q in quotas.items()}
    for p in sorted(quotas, key=lambda p: quotas[p] - counts[p], reverse=True)[: n - sum(counts.values())]:
        counts[p] += 1
    if n >= len(PROFILES):
        for p in PROFILES:
            if counts[p] == 0:
                counts[p], counts["steady"] = 1, counts["steady"] - 1
    profiles = [p for p in PROFILES for _ in range(counts[p])]
    rng.shuffle(profiles)
    names = list(AGENT_NAMES)
    rng.shuffle(names)
    agents = []
    for i, profile in enumerate(profiles):
        base = PROFILE_PARAMS[profile]
        jitter = {k: min(1.0, max(0.0, v + rng.uniform(-0.06, 0.06))) if v else 0.0 for k, v in vars(base).items()}
        agents.append(
            Agent(
                agent_id=f"a-{i + 1:03d}",
                name=names[i % len(names)],
                team=options.teams[i % len(options.teams)],
                profile=profile,
                params=Profile(**jitter),
                workload=rng.uniform(0.6, 1.4),
            )
        )
    return agents


def day_counts(options: NightOptions) -> list[tuple[date, int]]:
    """Calls per day (fewer at weekends); exact total by largest remainder."""
    days = [options.end_date - timedelta(days=options.days - 1 - i) for i in range(options.days)]
    weights = [WEEKDAY_WEIGHTS[d.weekday()] for d in days]
    quotas = [options.calls * w / sum(weights) for w in weights]
    counts = [int(q) for q in quotas]
    for i in sorted(range(len(days)), key=lambda i: quotas[i] - counts[i], reverse=True)[: options.calls - sum(counts)]:
        counts[i] += 1
    return list(zip(days, counts, strict=True))


def start_times(day: date, n: int, seed: int) -> list[datetime]:
    """``n`` sorted UTC start times within the day's local working hours."""
    rng = random.Random(f"{seed}/{day.isoformat()}/times")
    if day.weekday() < 5:
        first, cum = 8, list(_cumulative(HOUR_WEIGHTS))
    else:
        first, cum = WEEKEND_HOURS[0], list(_cumulative([1] * (WEEKEND_HOURS[1] - WEEKEND_HOURS[0])))
    midnight = datetime(day.year, day.month, day.day, tzinfo=LOCAL_TZ)
    out = []
    for _ in range(n):
        hour = first + bisect.bisect(cum, rng.random() * cum[-1])
        seconds = hour * 3600 + int(rng.random() * 3600)
        local = midnight + timedelta(seconds=seconds)
        out.append(local.astimezone(UTC))
    out.sort()
    return out


def _cumulative(weights: Sequence[float]) -> Iterator[float]:
    total = 0.0
    for w in weights:
        total += w
        yield total


@dataclass
class _Timeline:
    """Turn times: durations from text length and speech rate, gaps, holds and short overlaps."""

    rng: random.Random
    rate: dict[str, float]
    now: float = 0.0
    last_start: float = 0.0

    def place(self, speaker: str, text: str, gap: str) -> tuple[float, float]:
        r = self.rng.random
        duration = max(0.4, len(text) / self.rate[speaker] * (0.85 + 0.3 * r()))
        if gap == "overlap":
            start = max(self.last_start + 0.3, self.now - 0.2 - r() * 1.0)
        elif gap == "hold":
            start = self.now + 15.0 + r() * 90.0
        elif gap == "pause":
            start = self.now + 0.8 + r() * 2.5
        else:
            start = self.now + 0.15 + r() * r() * 2.0
        end = start + duration
        self.last_start = start
        self.now = max(self.now, end)
        return round(start, 2), round(end, 2)


def _call_slots(rng: random.Random, bank: Bank, team: str, agent: Agent, company: str, local: datetime) -> dict:
    """Per-call values for the phrase slots (the same amount is mentioned every time in a call)."""
    r = rng.random
    nl = bank.lang == "nl"
    euros = 10 + int(r() * 380)
    cents = (0, 0, 0, 50, 95, 25)[int(r() * 6)]
    amount = f"{euros},{cents:02d} euro" if cents and nl else f"{euros} euro" if nl else f"{euros}.{cents:02d} euros"
    amount2 = f"{5 + int(r() * 40)} euro" if nl else f"{5 + int(r() * 40)} euros"
    when = local + timedelta(days=1 + int(r() * 12))
    past = local - timedelta(days=2 + int(r() * 30))
    surname = SURNAMES[int(r() * len(SURNAMES))]
    flemish_city = bank.flemish  # Belgian addresses and phone numbers
    hour = local.hour
    base = {
        "name": agent.name,
        "company": company,
        "team_nl": TEAM_NAMES_NL.get(team, team),
        "team_en": team,
        "groet": "Goedemorgen" if hour < 12 else "Goedemiddag" if hour < 18 else "Goedenavond",
        "dagdeel": "dag" if hour < 12 else "middag" if hour < 17 else "avond",
        "dagdeel_en": "day" if hour < 17 else "evening",
        "cust": ("mevrouw " if r() < 0.5 else "meneer ") + surname
        if nl
        else ("Mrs " if r() < 0.5 else "Mr ") + surname,
        "amount": amount,
        "amount2": amount2,
        "days": str(2 + int(r() * 12)),
        "workdays": str(2 + int(r() * 8)),
        "wait": str(10 + int(r() * 40)),
        "nth": NTH_NL[int(r() * len(NTH_NL))],
        "nth_en": NTH_EN[int(r() * len(NTH_EN))],
        "month": MONTHS_NL[past.month - 1],
        "month_en": MONTHS_EN[past.month - 1],
        "date": f"{when.day} {MONTHS_NL[when.month - 1]}",
        "date_en": f"{MONTHS_EN[when.month - 1]} {when.day}",
        "ticket": f"{company[:2].upper()}-{10000 + int(r() * 89999)}",
        "custno": str(10_000_000 + int(r() * 89_999_999)),
        "postcode": (
            str(1000 + int(r() * 8999))
            if flemish_city
            else f"{1000 + int(r() * 8999)} {chr(65 + int(r() * 26))}{chr(65 + int(r() * 26))}"
        ),
        "house": str(1 + int(r() * 180)),
        "street": f"{STREETS[int(r() * len(STREETS))]} {1 + int(r() * 180)}",
        "city": (CITIES_BE if flemish_city else CITIES_NL)[int(r() * (6 if flemish_city else 8))],
        "phone": f"06-{10_000_000 + int(r() * 89_999_999)}"
        if not flemish_city
        else f"04{70 + int(r() * 30)} {10 + int(r() * 89)} {10 + int(r() * 89)} {10 + int(r() * 89)}",
        "email": f"{surname.lower().replace(' ', '')}{int(r() * 90) + 10}@{MAIL_DOMAINS[int(r() * 3)]}",
        "iban": f"NL{10 + int(r() * 89)}{BANK_CODES[int(r() * 5)]}0{100_000_000 + int(r() * 899_999_999)}",
        "product": (PRODUCTS_NL if nl else PRODUCTS_EN)[int(r() * 5)],
    }
    base["groet_lc"] = base["groet"].lower()
    if not nl:
        base["groet"] = "Good morning" if hour < 12 else "Good afternoon" if hour < 18 else "Good evening"
        base["groet_lc"] = base["groet"].lower()
    slots = dict(base)
    for key, pool in bank.team.get(team, bank.team["general"]).items():
        value = pool[int(r() * len(pool))].format_map(base)
        slots[key] = value
        slots[key.capitalize()] = value[0].upper() + value[1:]
    return slots


def _decap(text: str) -> str:
    """Lowercase the first letter for text that follows an opener, except English "I"."""
    if text[:2] in ("I ", "I'"):
        return text
    return text[0].lower() + text[1:]


class _Call:
    """Writes one conversation: picks phrase kinds from the customer's state and the agent's profile."""

    def __init__(self, rng: random.Random, bank: Bank, slots: dict, asr: bool, labels: bool) -> None:
        self.rng, self.bank, self.slots, self.asr, self.labels = rng, bank, slots, asr, labels
        self.r = rng.random
        rate = 13.0 + 4.0 * self.r()
        self.time = _Timeline(rng, {"agent": rate, "customer": 11.0 + 5.0 * self.r()})
        self.turns: list[dict] = []
        self.decks: dict[str, list[str]] = {}
        self.last_speaker = ""

    def pick(self, kind: str) -> str:
        # A shuffled deck per kind: a long call goes through the pool before it repeats a piece.
        deck = self.decks.get(kind)
        if not deck:
            deck = list(self.bank.pools[kind])
            self.rng.shuffle(deck)
            self.decks[kind] = deck
        text = deck.pop()
        return text.format_map(self.slots) if "{" in text else text

    def say(self, speaker: str, text: str, label: Any, gap: str = "normal") -> None:
        if self.asr:
            text = asr_form(text, self.bank.lang, self.rng)
        start, end = self.time.place(speaker, text, gap)
        turn: dict[str, Any] = {"speaker": speaker, "start": start, "end": end, "text": text}
        if self.labels:
            turn["gold_state" if speaker == "customer" else "gold_tags"] = label
        self.turns.append(turn)
        self.last_speaker = speaker

    # ---- customer -----------------------------------------------------------------------------

    def customer(self, state: str, opening: bool = False, gap: str = "") -> None:
        r = self.r
        if not gap:
            gap = "overlap" if state != "neutral" and self.last_speaker == "agent" and r() < 0.2 else "normal"
        if opening:
            hello = self.pick("c_hello") if r() < 0.7 else ""
            body = self.pick("c_reason_f" if state == "frustrated" else "c_reason")
            text = f"{hello} {body}" if hello else body
        elif state == "neutral":
            text = self.pick("c_back" if r() < 0.3 else "c_neutral")
            if r() < 0.15:
                text = self.pick("c_neutral_open") + _decap(text)
            if gap == "normal" and r() < 0.03:
                gap = "overlap"
        elif state == "frustrated":
            text = self.pick("c_frustrated")
            if r() < 0.25:
                text = self.pick("c_frustrated_open") + _decap(text)
            if r() < 0.4:
                text = f"{text} {self.pick('c_frustrated')}"
            if r() < 0.3:
                text = f"{text} {self.pick('c_frustrated_tail')}"
        else:
            text = self.pick("c_aggressive")
            if r() < 0.35:
                text = f"{self.pick('c_frustrated')} {text}"
            if r() < 0.3:
                text = f"{text} {self.pick('c_aggressive_tail')}"
        self.say("customer", text, state, gap)

    # ---- agent --------------------------------------------------------------------------------

    def agent_text(self, kind: str) -> tuple[str, list[str]]:
        r = self.r
        if kind == "solution":
            text, tags = self.pick("solution"), ["solution"]
            if r() < 0.3:
                text = f"{self.pick('solution_open')} {text}"
            if r() < 0.15:
                text = f"{text} {self.pick('solution_tail')}"
            if r() < 0.06:
                text, tags = f"{text} {self.pick('open_q')}", ["solution", "open_question"]
            return text, tags
        if kind == "empathy":
            text = self.pick("empathy")
            if r() < 0.1:
                return text, ["empathy"]
            step = self.pick("empathy_bridge") if r() < 0.3 else self.pick("solution")
            tags = ["empathy", "solution"]
            if r() < 0.12:
                step, tags = f"{step} {self.pick('open_q')}", ["empathy", "solution", "open_question"]
            return f"{text} {step}", tags
        if kind == "boundary":
            text = self.pick("boundary")
            if r() < 0.4:
                text = f"{text} {self.pick('boundary_tail')}"
            return text, ["boundary"]
        if kind == "commiseration":
            text = self.pick("commiseration")
            if r() < 0.25:
                text = f"{text} {self.pick('commiseration')}"
            return text, ["commiseration"]
        if kind == "dismissive":
            return self.pick("dismissive"), ["dismissive"]
        if kind == "hold":
            return self.pick("hold"), ["solution"]
        return self.pick(kind), []  # greet, filler, back, close

    def agent(self, kind: str, gap: str = "normal") -> None:
        text, tags = self.agent_text(kind)
        self.say("agent", text, tags, gap)


def _respond(p: Profile, state: str, episode: dict[str, Any], r: Any) -> str:
    """The agent's kind of answer to a customer in ``state``, given the agent's profile."""
    x = r()
    if state == "neutral":
        if x < p.dismiss_neutral:
            return "dismissive"
        if x < p.dismiss_neutral + p.over_neutral:
            return "commiseration"
        if x < 0.2:
            return "filler" if x < 0.12 else "hold" if x < 0.135 else "solution"
        return "solution"
    if x < p.dismiss:
        return "dismissive"
    if state == "frustrated":
        y = r()
        if y < p.commiserate:
            return "commiseration"
        return "empathy" if r() < p.empathy else "solution"
    # aggressive
    y = r()
    if episode["first_response"]:
        if y < p.boundary * 0.4:
            return "boundary"
        if y < p.boundary * 0.4 + p.commiserate * 0.5:
            return "commiseration"
        return "empathy" if r() < 0.6 else "solution"
    if episode["boundary"]:
        return "boundary" if y < 0.25 * p.boundary else "empathy" if r() < 0.5 else "solution"
    if y < p.boundary:
        return "boundary"
    if y < p.boundary + p.commiserate:
        return "commiseration"
    return "empathy" if r() < p.empathy else "solution"


def _next_state(scenario: str, state: str, reply: str, seen: dict[str, int], progress: float, r: Any) -> str:
    """The customer's next state: the scenario sets what is possible, the agent's last reply nudges it."""
    if scenario == "calm":
        return "neutral"
    x = r()
    if state == "neutral":
        if scenario == "aggressive" and not seen["aggressive"] and progress > 0.55:
            return "aggressive"
        if not seen["frustrated"] and progress > 0.45:
            return "frustrated"
        on = 0.6 if reply == "dismissive" else 0.25 if not seen["frustrated"] else 0.07
        if scenario == "aggressive" and seen["frustrated"] and not seen["aggressive"]:
            on = 0.35
        return "frustrated" if x < on else "neutral"
    if state == "frustrated":
        if scenario == "aggressive":
            up = 0.6 if reply == "dismissive" else 0.15 if reply == "empathy" else 0.35
            if seen["aggressive"]:
                up *= 0.3
            if x < up:
                return "aggressive"
            x = r()
        stay = {"empathy": 0.35, "dismissive": 0.8, "commiseration": 0.6}.get(reply, 0.55)
        return "frustrated" if x < stay else "neutral"
    stay = {"boundary": 0.25, "dismissive": 0.85, "commiseration": 0.7}.get(reply, 0.6)
    if seen["aggressive_run"] >= 6:
        stay = 0.0
    if x < stay:
        return "aggressive"
    return "frustrated" if r() < 0.6 else "neutral"


def _turn_count(rng: random.Random, mean: float) -> int:
    low, high = max(4, round(mean / 8)), max(6, round(mean * 3))
    # Log-normal around the mean; clipping at both ends roughly cancels out at the default sizes.
    n = round(rng.lognormvariate(_log_mu(mean), 0.55))
    return min(high, max(low, n))


def _log_mu(mean: float, sigma: float = 0.55) -> float:
    return math.log(mean) - sigma * sigma / 2


def build_call(
    call_id: str, started: datetime, options: NightOptions, agents_by_team: dict[str, list[Agent]], company: str
) -> dict[str, Any]:
    """One call in the interchange format, from its own random stream (seed, call id)."""
    rng = random.Random(f"{options.seed}/{call_id}")
    r = rng.random
    teams = options.teams
    team = rng.choices(teams, [TEAM_WEIGHTS.get(t, 0.2) for t in teams])[0]
    pool = agents_by_team[team]
    agent = rng.choices(pool, [a.workload for a in pool])[0]
    lang = "nl" if r() < options.dutch_share else "en"
    flemish = lang == "nl" and r() < options.flemish_share
    register = "je" if lang == "nl" and r() < (0.5 if team == "sales" else 0.25) else "u"
    asr = r() < options.asr_share
    mix = options.mix
    x = r()
    scenario = "calm" if x < mix["calm"] else "frustrated" if x < mix["calm"] + mix["frustrated"] else "aggressive"
    bank = BANKS[(lang, register, flemish)]
    local = started.astimezone(LOCAL_TZ)
    slots = _call_slots(rng, bank, team, agent, company, local)
    target = _turn_count(rng, options.turns_per_call)

    call = _Call(rng, bank, slots, asr, options.labels)
    call.time.now = 0.3 + r() * 1.5
    call.agent("greet")
    state = "neutral" if scenario == "calm" or r() < (0.5 if scenario == "frustrated" else 0.4) else "frustrated"
    seen = {"frustrated": int(state == "frustrated"), "aggressive": 0, "aggressive_run": 0}
    call.customer(state, opening=True)
    episode = {"first_response": True, "boundary": False}
    params = agent.params
    reply = "solution"
    holds = 0
    # Leave room for the closing (agent + customer).
    while len(call.turns) < target - 2:
        reply = _respond(params, state, episode, r)
        if reply == "hold":
            if holds >= 2:
                reply = "solution"
            holds += 1
        call.agent(reply)
        if reply == "hold":
            call.agent("back", gap="hold")
        elif r() < 0.04:
            call.agent("solution", gap="pause")  # a second agent turn: a follow-up after a pause
        if state == "aggressive":
            episode["first_response"] = False
            episode["boundary"] = episode["boundary"] or reply == "boundary"
        if len(call.turns) >= target - 2:
            break
        progress = len(call.turns) / target
        new = _next_state(scenario, state, reply, seen, progress, r)
        if new == "aggressive" and state != "aggressive":
            episode = {"first_response": True, "boundary": False}
            seen["aggressive_run"] = 0
        if new == "aggressive":
            seen["aggressive_run"] += 1
        state = new
        if state != "neutral":
            seen[state] += 1
        call.customer(state)
        if state != "neutral" and r() < 0.08:
            call.customer(state if r() < 0.7 else "neutral", gap="pause")  # goes on after a pause
    call.agent("close")
    # A very short call may end before its scenario showed: the customer's last word shows it.
    if scenario != "calm" and not seen[scenario]:
        state = scenario
    closing = {"neutral": "c_close", "frustrated": "c_close_f", "aggressive": "c_close_a"}[state]
    call.say("customer", call.pick(closing), state)

    record: dict[str, Any] = {
        "call_id": call_id,
        "started_at": started.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "agent_id": agent.agent_id,
        "team": team,
        "queue": f"{lang}-{team}",
        "language": lang,
    }
    if options.labels:
        record["synthetic"] = {
            "scenario": scenario,
            "agent_profile": agent.profile,
            "locale": "nl-BE" if flemish else "nl-NL" if lang == "nl" else "en",
            "register": register if lang == "nl" else None,
            "asr": asr,
        }
    record["turns"] = call.turns
    return record


def iter_calls(options: NightOptions) -> Iterator[tuple[date, dict[str, Any]]]:
    """Every call of the night(s), day by day in time order, one at a time (nothing is held)."""
    options = options.validated()
    agents = make_agents(options)
    agents_by_team = {t: [a for a in agents if a.team == t] for t in options.teams}
    company = COMPANIES[random.Random(f"{options.seed}/company").randrange(len(COMPANIES))]
    for day, count in day_counts(options):
        for seq, started in enumerate(start_times(day, count, options.seed), start=1):
            call_id = f"{day.isoformat()}-{seq:06d}"
            yield day, build_call(call_id, started, options, agents_by_team, company)


def generate(out_dir: str | Path, options: NightOptions | None = None, **fields: Any) -> NightReport:
    """Write the calls of ``options`` (or ``NightOptions(**fields)``) as JSON-lines shards into ``out_dir``.

    Shards of the days being written that an earlier run left in ``out_dir`` are removed first, so
    a smaller re-run leaves no stale calls behind; other files are not touched.
    """
    options = replace(options or NightOptions(), **fields).validated()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    days = tuple(d for d, _ in day_counts(options))
    for day in days:
        for stale in out.glob(f"night-{day.isoformat()}-*.jsonl"):
            stale.unlink()
    files: list[Path] = []
    calls = turns = 0
    handle = None
    current_day: date | None = None
    in_file = shard = 0
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    try:
        for day, call in iter_calls(options):
            if handle is None or day != current_day or in_file >= options.calls_per_file:
                if handle is not None:
                    handle.close()
                shard = 1 if day != current_day else shard + 1
                path = out / SHARD_NAME.format(day=day.isoformat(), shard=shard)
                handle = open(path, "w", encoding="utf-8", newline="\n")  # noqa: SIM115 - closed in finally
                files.append(path)
                current_day, in_file = day, 0
            handle.write(dumps(call) + "\n")
            calls += 1
            in_file += 1
            turns += len(call["turns"])
    finally:
        if handle is not None:
            handle.close()
    seconds = time.perf_counter() - t0
    return NightReport(calls, turns, tuple(files), sum(f.stat().st_size for f in files), seconds, days)


# --------------------------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------------------------


def _parser() -> argparse.ArgumentParser:
    doc = __doc__ or ""
    p = argparse.ArgumentParser(
        description=doc.split("\n\n")[0], formatter_class=argparse.ArgumentDefaultsHelpFormatter
    )
    p.add_argument("--calls", type=int, default=1000, help="number of calls in all")
    p.add_argument("--turns-per-call", type=float, default=50.0, help="mean turns per call (each call varies)")
    p.add_argument("--days", type=int, default=1, help="spread the calls over this many consecutive days")
    p.add_argument("--end-date", default=DEFAULT_END_DATE, help="last day: YYYY-MM-DD, today or yesterday (UTC)")
    p.add_argument("--agents", type=int, default=40, help="number of agents (round-robin over the teams)")
    p.add_argument("--teams", default=",".join(DEFAULT_TEAMS), help="comma-separated team names; queues are LANG-TEAM")
    p.add_argument("--dutch-share", type=float, default=0.75, help="share of Dutch calls (the rest English)")
    p.add_argument("--flemish-share", type=float, default=0.2, help="share of the Dutch calls with Flemish speech")
    p.add_argument("--asr-share", type=float, default=0.3, help="share of calls in speech-recognition form")
    p.add_argument(
        "--mix",
        default="calm=0.55,frustrated=0.3,aggressive=0.15",
        help="share of calls whose customer stays calm, gets frustrated, turns aggressive",
    )
    p.add_argument("--seed", type=int, default=0, help="same seed and options, same bytes")
    p.add_argument("--out", type=Path, default=Path("var/night"), help="folder for the shard files")
    p.add_argument("--calls-per-file", type=int, default=1000, help="calls per night-YYYY-MM-DD-NNNNN.jsonl shard")
    p.add_argument(
        "--no-labels",
        action="store_true",
        help="leave out gold_state/gold_tags and the synthetic block (files look like production exports)",
    )
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Command line entry point; returns the exit code (0 written, 2 bad option)."""
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        options = NightOptions(
            calls=args.calls,
            turns_per_call=args.turns_per_call,
            days=args.days,
            end_date=parse_end_date(args.end_date),
            agents=args.agents,
            teams=tuple(t.strip() for t in args.teams.split(",") if t.strip()),
            dutch_share=args.dutch_share,
            flemish_share=args.flemish_share,
            asr_share=args.asr_share,
            mix=parse_mix(args.mix),
            seed=args.seed,
            calls_per_file=args.calls_per_file,
            labels=not args.no_labels,
        ).validated()
    except ValueError as exc:
        print(f"make_night: error: {exc}", file=sys.stderr)
        return 2
    report = generate(args.out, options)
    print(report.summary())
    return 0


if __name__ == "__main__":
    sys.exit(main())
