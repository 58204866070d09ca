"""Word lists of the concept finder: stopwords, words too vague alone, common verbs and
profanity. None of them names a concept alone; a verb or stopword also ends a candidate
phrase (`notegraph.topics.concepts`). Other stages read `STOPWORDS` too (casing, ranking,
people)."""

from __future__ import annotations

# Function words, conversational fillers and the verbs/nouns every conversation uses:
# none of them names a concept on its own.
_STOPWORDS_TEXT = """
a about above across actually after again against ago ah ahead all almost along already
also although always am among an and another any anybody anymore anyone anything anyway
anyways anywhere are aren't around as ask asked asking at away b back bad be became
because become becomes been before began begin behind being believe below best better
between big bit both bring but by c came can can't cannot case certain certainly change
come comes coming could couldn't d day days did didn't different do does doesn't doing
don't done down during e each easy either else end enough especially even ever every
everybody everyone everything exactly example f fact fairly far feel feeling feels felt
few find first five for four from fun g gave get gets getting give given gives giving go
goes going gone gonna good got gotta great guess guy guys h had hadn't half happen
happened happening happens hard has hasn't have haven't having he he'd he'll he's hear
heard hello her here here's hers herself hey hi him himself his hmm honestly hope how
however huge i i'd i'll i'm i've idea if important in indeed inside instead interesting
into is isn't it it'd it'll it's its itself j just k keep kind kinda knew know knowing
known knows l large last later least less let let's lets life like liked likely little
live long look looked looking looks lot lots love m made make makes making man many may
maybe me mean meaning means meant might mind mine minute minutes moment more most mostly
much must my myself n name need needed needs never new next nice no nobody none nor not
nothing now o obviously of off oh ok okay old on once one ones only onto or other others
otherwise our ours ourselves out outside over own p part particular particularly people
person place point possible pretty probably problem put q question questions quite r
rather re really reason right s said same saw say saying says second see seeing seem
seemed seems seen self sense set several shall she she'd she'll she's should shouldn't
show side similar simply since small so some somebody someone something sometimes somewhat
somewhere sort sorts start started still stuff such suppose sure t take taken takes taking
talk talked talking talks tell telling tells ten than thank thanks that that'd that'll
that's thats the their theirs them themselves then there there's these they they'd they'll
they're they've thing things think thinking thinks third this those though thought
thoughts three through throughout thus time times to today together told too took toward
towards tried tries true truly try trying turn turned two u uh um under understand unless
until up upon us use used uses using usually v various very via w wait want wanted wanting
wants was wasn't watch way ways we we'd we'll we're we've well went were weren't what
what's whatever when where where's whether which while who who's whole whom whose why will
with within without won't wonder word words work worked working works world would wouldn't
wow x y yeah year years yep yes yet you you'd you'll you're you've your yours yourself
yourselves z able absolutely add basically beautiful called clearly completely
crazy definitely deep entire entirely essentially exist exists fantastic fine gosh hell
incredible incredibly literally mm mhm nah notion oftentimes perfect perhaps plenty regard
regardless sorta super terms totally tough truth uh-huh um-hum whatnot
ya yea yup often somehow nowhere everywhere unique favorite monday tuesday
wednesday thursday friday saturday sunday january february march april june july
august september october november december podcast podcasts episode episodes sponsor
sponsors subscribe channel video
videos description
welcome welcomed welcoming guest guests host hosts listener listeners listening audience
viewers goodbye bye intro outro beyond higher lower bigger smaller larger greater basic simple main
major general specific overall blah cuz versus vs including conversation conversations
per etc plus minus amongst whilst unto
six seven eight nine eleven twelve thirteen fourteen fifteen sixteen seventeen
eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred hundreds
thousand thousands million millions billion billions trillion trillions dozen dozens
couple dollar dollars bucks month months week weeks hour hours seconds percent
"""
STOPWORDS = frozenset(_STOPWORDS_TEXT.split())

# Words that can be part of a concept ("solar system") but are too vague alone.
_VAGUE_TEXT = """
area areas aspect aspects amount bottom case cases challenge challenges concept deal effect
effects element elements event events experience experiences factor factors form forms
group groups help helps impact insight insights issue issues level levels matter number
order piece process reality result results role scale series side situation space stage
state step steps story stories structure system systems top type types value version view
approach difference change changes return worry release future context information model
program machine company human strength style picture record secret
"""
VAGUE_ALONE = frozenset(_VAGUE_TEXT.split())
# Common verbs (and a few adjectives) that are never concepts: in their base, -s and -ed
# forms they end a candidate phrase ("fight keeps", "personas learn" are not concepts).
# Words as often nouns (fight, study, sleep, matter) and -ing forms ("machine learning")
# are left out on purpose.
_VERBS_TEXT = """
accept achieve afraid agree allow appear apply argue arrive assume avoid become begin
believe belong buy capitalize choose compare complain consider contain continue convince
create decide describe deserve destroy develop die disagree discover eat enjoy exist
expect explain forget forgive grow happen hide ignore imagine improve include involve
join keep learn leave listen lose manage meet miss notice prefer prepare pretend prevent
produce protect prove provide pull push realize receive recognize remember remove replace
represent require seek solve speak spend steal succeed suggest survive teach tend thank
throw understand wear write rearrange wonderful honest interact affect generate follow
mention discuss recommend blame restructure withhold maximize minimize identify endorse
infer criticize encourage emphasize justify celebrate
"""


def _inflections(verb: str) -> set[str]:
    forms = {verb, verb + "s", verb + "ed"}
    if verb.endswith("e"):
        forms.add(verb + "d")
    if verb.endswith("y"):
        forms |= {verb[:-1] + "ies", verb[:-1] + "ied"}
    return forms


_IRREGULAR_TEXT = """
ate began bought broke brought built caught chose did done drove eaten fell felt flew
forgot fought found gone grew held hid hung kept knew laid led left lost meant met paid
ran rang read rode rose said sang sat sent shook shot sold spent spoke stood stole stuck
taught thought threw understood won wore wrote written
"""
_PROFANITY_TEXT = """
fuck fucking fucked fucker motherfucker motherfucking shit shitty bullshit damn goddamn
ass asshole bitch crap hell
"""
VERBS = frozenset(
    {f for v in _VERBS_TEXT.split() for f in _inflections(v)} | set(_IRREGULAR_TEXT.split())
)
PROFANITY = frozenset(_PROFANITY_TEXT.split())
