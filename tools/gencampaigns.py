#!/usr/bin/env python3
"""gencampaigns.py - synthetic mail with campaign ground truth.

    tools/gencampaigns.py [--seed N] [--scale F] [--large] OUTDIR

Writes OUTDIR/mail/msg-NNNNNN.eml (one RFC 5322 message per file) and
OUTDIR/truth.tsv with one line per message:

    file  group  kind  recipient  size  tokens

file      the message's path relative to OUTDIR ("mail/msg-000042.eml")
group     the ground-truth cluster: "c0007" (bulk campaign), "list3-p12"
          (one mailing-list post), "group5" (one text to 3-8 people),
          "personal-42" (one-to-one mail, unique)
kind      campaign | list | group | personal
recipient the address the copy was sent to
size      copies of that group in the set
tokens    the per-recipient codes put into links and images, comma
          separated ("-" when none): the truth for the tracking-code work

and the truth for verdicts (docs/verdicts.md), drawn from a random
stream of its own so that the messages are the same with or without it:

OUTDIR/consent.tsv  recipient TAB sender TAB source: every mailing-list
          member's consent for the list (List-Id), and for about 40 % of
          the recipients of every fourth campaign (a newsletter they
          subscribed to) consent for its From address or its domain
          (`redflag consent import` reads it)
OUTDIR/labels.tsv   file TAB label: "spam" (campaign copy without
          consent), "bulk" (campaign copy or list post with consent),
          "ham" (personal and group mail)

Every campaign copy is personalised the way bulk senders do it: greeting
with the recipient's name, per-recipient codes in links and image URLs,
0-30 % random filler words ("hash-busters", scattered or as a block),
a random suffix on the subject.  Formats: text only, HTML only and
multipart/alternative; quoted-printable, base64, 7bit and 8bit bodies.
Deterministic for a given --seed and scale; Python 3 standard library only.
"""
import argparse
import base64
import os
import quopri
import random
import sys

FILLER = """
    intuition thallium neurons tasselling urge skippered junks intrigues
    malnutrition tankful outstaying cowslip corruptest specialist
    lamprey plains perfect snobbish cottonseeds bowlegged intensities
    expressiveness chum bookkeepers mods spooned triceps redcoat plunk
    arrogate paddles worthwhile inveigh prided sanctioning perky
    prepackage colloquially picaresque affecting styles militias barrow
    banding appendage coziest tops discs paper annexes singletons
    joyride fleeces ink overnights suppliers crisps mediates died
    popularizing evangelism lowliness accelerated propulsion bloom
    iterating principally emissary mushiness vermillion sunspots
    blinding repays doings fer senator deters marquise epsilon
    animosities beholden nites shelling hinder burnishing swatting
    erring handy beatifies windsurfed agglomeration sweetest razors
    abbots decommissions deafness valises uneconomic avatars kinglier
    grizzled replicator hermetic illumined berth nonstop placidity
    crummier sins quavery eddied forgave boarding follies affiliated
    wormier housemother send uplifts capacitor chatterers disperse
    reoccurring brontosaurs adjudges banging juleps solemnity libels
    contrails ranter nestlings couriers interconnections manes crackup
    rubella shoot chainsawing iguanas potentates halest cannibalize
    heinously imitations deckles abbess eddies terrapin zany spatters
    overspread extenuating transcendentalists alarmingly debentures
    counterfeited hedging tamper parenthetically poseurs oiliest
    broadness arsonist classier declines inordinate dowsed adapter shrug
    peeked flounced stuck exampled handrail besmirches betokening bonnet
    daybeds ornamentation polarizes disfigurement afflictions
    paraplegics gorgeous grapevines photographers inventiveness cautious
    wiping outspreads legions subcontract occupant cheeps theocracy
    handouts corners pioneered codification farmings undershot
    destination stashing peep distillers risking coworkers columnist
    sandhogs pizzeria wad naively crossbreed reared welds hark towing
    led parterres birches immobilizing astuter buffeted bust arborvitae
    market woofing donkeys disambiguate sanest remedied headdresses
    doughty immaculate stockyards pairs lining etymology megalomaniac
    consumables vector revitalizing beeps catted destinations laughter
    nether prevues tackier permissively perforce bethink encapsulations
    decibel unreal unlikelier cutlasses scraggliest agate before
    eclectic hulling intact distaffs banned aster contemptible
    endocrines gorillas minivan objects chambermaids borer gizzards
    chimpanzees trifocals intersperses fluttery procreate rulers
    reconciles menservants outbids waviest choppier overextends appals
    upstanding agrarians lairs uneasily genies reign fateful
    woolgathering alleged pander poison beverages leavening beavered
    roundest farthings filled cherubim benevolently biassing inveigles
    motorized gonged salaries aspiration type visas salesclerk salesman
    relinquished centralizing snooty worked unlikely frazzles gambles
    bloodthirstiness reactions laboratories typos binging thudded
    tattlers ibuprofen warping smudge annotated tenths loyalists
    aerialists piked propounds hackers guilder orioles adoration
    pearlier beneficially blackballs bookish pontoon canaries dovetails
    toreador hypnosis romanticize flummoxing harmfully views sachet
    redheads oratorio jack joiner sullen blitzing mechanistic scribbling
    masseur anion bobbling leaching alludes detraction wind refrigerator
    calculate longs skater perfuming promontories untenable dopier
    adjustments good expediencies circuited penetrations currying
    measurements confirm secede uncountable freethinking venerated
    inquisitor lorded triplicate discourtesy flicks psyched disusing
    crummiest plumper incorruptibility speared sphinges secularism
    universals cuffs torsi decrees halo deliver orthodontists
    untouchable fetter deans cheesiest chattered loincloth gain
    sufficiently tubed swivel arm requisite bassoonists welcome
    embezzles stiffener confessor calcining interview kneecaps elocution
    vacant decoys stumbling hurtling had pillow megacycles llano putting
    ferments retaliate summoned supervisions pigmy inundated fingerings
    bettors stringers antecedents emirs tighten pausing arranged
    racketeers replenish encouragingly nuthatches gas fallout
    prejudgments snapshot noiselessly airmail portages cheerily iotas
    cowslips ambrosia shoehorns structured dwindling directives sits
    chorussed soldiering astounded
""".split()
FIRST = """james mary robert patricia john jennifer michael linda david elizabeth
    william barbara richard susan joseph jessica thomas sarah charles karen
    christopher lisa daniel nancy matthew betty anthony margaret mark sandra
    donald ashley steven kimberly paul emily andrew donna joshua michelle
    kenneth carol kevin amanda brian dorothy george melissa timothy deborah
    ronald stephanie edward rebecca jason sharon jeffrey laura ryan cynthia
    jacob kathleen gary amy nicholas angela eric shirley jonathan anna stephen
    brenda larry pamela justin emma scott nicole brandon helen benjamin
    samantha samuel katherine gregory christine alexander debra frank rachel
    patrick carolyn raymond janet jack catherine dennis maria jerry heather
    tyler diane aaron ruth jose julie adam olivia nathan joyce henry virginia
    zachary victoria douglas kelly peter lauren kyle christina noah joan ethan
    evelyn jeremy judith walter megan christian andrea keith cheryl roger
    hannah terry jacqueline austin martha sean gloria gerald teresa carl ann
    harold sara dylan madison arthur frances lawrence kathryn jordan janice
    jesse jean bryan abigail billy alice bruce judy gabriel sophia joe grace
    logan denise albert amber willie doris alan marilyn eugene danielle russell
    beverly vincent isabella philip theresa bobby diana johnny natalie bradley
    brittany roy charlotte ralph marie eugenio rose randy alexis louis kayla
    ingrid jurgen francois agnieszka mehmet priya haruto chioma mateo sofia
    lukas elif oksana bjorn aoife siddharth camille tomasz yuki kwame lucia""".split()
LAST = """smith johnson williams brown jones garcia miller davis rodriguez
    martinez hernandez lopez gonzalez wilson anderson thomas taylor moore
    jackson martin lee perez thompson white harris sanchez clark ramirez lewis
    robinson walker young allen king wright scott torres nguyen hill flores
    green adams nelson baker hall rivera campbell mitchell carter roberts
    gomez phillips evans turner diaz parker cruz edwards collins reyes stewart
    morris morales murphy cook rogers gutierrez ortiz morgan cooper peterson
    bailey reed kelly howard ramos kim cox ward richardson watson brooks chavez
    wood james bennett gray mendoza ruiz hughes price alvarez castillo sanders
    patel myers long ross foster jimenez powell jenkins perry russell sullivan
    bell coleman butler henderson barnes gonzales fisher vasquez simmons
    romero jordan patterson alexander hamilton graham reynolds griffin wallace
    moreno west cole hayes bryant herrera gibson ellis tran medina aguilar
    stevens murray ford castro marshall owens harrison fernandez mcdonald
    woods washington kennedy wells vargas henry chen freeman webb tucker guzman
    burns crawford olson simpson porter hunter gordon mendez silva shaw snyder
    mason dixon munoz hunt hicks holmes palmer wagner black robertson boyd
    rose stone salazar fox warren mills meyer rice schmidt garza daniels
    kowalski novak okafor yilmaz schneider dubois rossi haddad tanaka""".split()
MAILDOMAINS = """example.com example.net example.org mail.example
    post.example inbox.example home.example corp.example uni.example
    web.example""".split()

# Topic vocabularies: nouns, adjectives, verbs, benefits.  Ordinary English,
# as real bulk mail is written.
TOPICS = {
    "pharmacy": (
        "pills tablets medicine prescription pharmacy doctor treatment dose "
        "vitamins supplement capsules remedy therapy clinic health pain relief "
        "pharmacist order package refill generic brand formula",
        "cheap discreet fast certified natural safe effective approved "
        "powerful gentle trusted licensed",
        "order buy try feel restore boost relieve improve recover heal",
        "feel younger sleep better forget back pain regain your energy"),
    "finance": (
        "loan credit mortgage rate payment debt bank account interest "
        "balance lender approval score card cash fund savings investment "
        "budget statement transfer",
        "low fixed instant secure personal flexible guaranteed simple "
        "monthly private quick affordable",
        "apply borrow refinance save consolidate repay qualify approve "
        "lower transfer",
        "pay off your debt lower your monthly payment keep more of your money"),
    "travel": (
        "flight hotel beach island holiday cruise resort trip ticket airport "
        "room suite tour island village mountain coast city guide passport "
        "luggage journey",
        "sunny exotic luxury relaxing tropical quiet historic romantic "
        "affordable scenic peaceful",
        "book travel explore discover relax visit fly stay escape enjoy",
        "wake up to the sound of the sea see the world for less"),
    "fashion": (
        "dress shoes jacket coat shirt jeans boots bag collection season "
        "style wardrobe sweater scarf jewelry watch sale outlet size color "
        "fabric",
        "new stylish elegant warm comfortable classic modern bold limited "
        "exclusive soft",
        "shop wear discover refresh match update treat grab choose save",
        "look your best every day find the perfect fit"),
    "software": (
        "software computer laptop update license program security virus "
        "backup cloud storage account password device app version screen "
        "file data server network",
        "fast secure reliable powerful simple smart automatic complete "
        "professional digital online",
        "download install protect upgrade scan clean restore sync manage "
        "activate",
        "keep your computer running like new never lose a file again"),
    "dating": (
        "singles match date partner profile photo message friend love "
        "relationship evening dinner coffee community member heart chat "
        "night smile",
        "lonely attractive local serious romantic friendly genuine real "
        "honest perfect",
        "meet chat join connect find browse message flirt share match",
        "someone special is waiting near you tonight"),
    "charity": (
        "donation children families village water school food shelter "
        "volunteer community support help gift hope future program project "
        "winter hunger aid",
        "urgent generous small vital clean safe warm local lasting kind",
        "donate give help support sponsor provide build protect feed share",
        "your gift can change a life today"),
    "realestate": (
        "home house property apartment garden kitchen bedroom neighborhood "
        "price market agent listing deposit viewing tenant rent owner land "
        "floor window",
        "spacious bright quiet modern renovated cozy sunny affordable "
        "central private",
        "buy sell rent view move invest own list visit value",
        "find the home you have always wanted"),
    "education": (
        "course degree class lesson teacher student diploma program online "
        "skill career certificate exam study training university college "
        "subject knowledge",
        "flexible accredited practical online short advanced personal "
        "professional free quick",
        "learn study enroll train graduate master earn improve practice "
        "advance",
        "earn your degree from home in your spare time"),
    "fitness": (
        "weight diet body muscle exercise workout fat gym meal plan shape "
        "coach strength energy waist belly routine minute calorie result",
        "healthy lean strong fit easy natural quick simple proven daily",
        "lose burn train build shape tone eat sleep move transform",
        "drop a size in just a few weeks without starving"),
    "food": (
        "recipe dinner kitchen meal chef sauce cheese bread coffee wine box "
        "delivery menu vegetables fruit chicken pasta dessert taste flavor",
        "fresh delicious homemade organic seasonal tasty rich local simple "
        "crisp",
        "cook taste order try bake enjoy deliver prepare share serve",
        "dinner is ready in twenty minutes"),
    "auto": (
        "car vehicle engine tire insurance driver policy repair service "
        "dealer model road warranty brake garage fuel mileage seat trunk key",
        "reliable used electric safe cheap fast comfortable economical "
        "certified powerful",
        "drive insure repair test compare quote protect service trade finance",
        "get back on the road with confidence"),
    "security": (
        "account password bank card access login verification security "
        "message notice transaction payment suspension identity statement "
        "record customer department",
        "unusual suspicious locked limited temporary urgent important "
        "immediate unauthorized required",
        "verify confirm update restore unlock review secure validate "
        "respond check",
        "avoid the suspension of your account"),
    "events": (
        "concert festival ticket stage show music band theater seat night "
        "season performance artist venue party dance crowd gallery opening "
        "film",
        "live exclusive sold unforgettable special early late famous local "
        "open",
        "attend book reserve celebrate join dance watch listen invite meet",
        "do not miss the event of the year"),
    "crypto": (
        "profit market trade coin investment return portfolio signal broker "
        "platform wallet capital growth strategy income opportunity stock "
        "share fund",
        "huge daily passive secret proven automatic risk free early smart",
        "invest trade earn grow double join withdraw profit deposit start",
        "let your money work for you while you sleep"),
}

OPENERS = ["", "Good news.", "Great news!", "Listen up.", "Exciting times!",
           "Quick reminder.", "This week only.", "Have you heard?",
           "Big announcement.", "Last chance."]
# Sentence patterns: N noun, A adjective, V verb, B benefit phrase,
# W brand, X a second noun.
PATTERNS = [
    "We are happy to offer you a {A} {N} at a price you will love.",
    "Our {A} {N} has helped thousands of people like you.",
    "Why wait when you can {V} your {N} today?",
    "{B}.",
    "With {W} you {V} the {A} {N} in minutes.",
    "Every {N} is checked by our team before it leaves.",
    "Thousands of customers already {V} with us every month.",
    "Do not let this {A} chance pass you by.",
    "Simply click the link below to {V} your {A} {N}.",
    "This {N} is {A}, {A} and ready when you are.",
    "Our experts know how to {V} the right {N} for you.",
    "You deserve a {A} {N} and a {A} {X}.",
    "Imagine how it would feel to {V} without worry.",
    "The {X} you have been looking for is finally here.",
    "Members save more on every {N} and every {X}.",
    "Reply to this message if you have any question about the {N}.",
    "Only a few {N} remain at this {A} price.",
    "Join the {W} family and {V} like never before.",
    "It takes less than two minutes to {V}.",
    "People who {V} with {W} say the {X} is {A}.",
    "Our {N} comes with a {A} {X} and friendly support.",
    "Nothing beats a {A} {N} after a long week.",
    "Tell your friends and you both {V} a {A} {X}.",
    "The offer ends soon, so {V} while you still can.",
    "Ask yourself when you last had a {A} {N}.",
    "We believe everyone should {V} a {A} {N}.",
    "From the first {N} to the last {X}, we are with you.",
    "No hidden fees, no long forms, just a {A} {N}.",
    "Your {N} will arrive in a {A} package within days.",
    "See why so many families choose {W} for their {N}.",
    "Start today and {V} your first {N} for free.",
    "A {A} {X} is closer than you think.",
    "Our team has worked hard to make every {N} {A}.",
    "If you ever change your mind, we will {V} it for you.",
    "This is the {A} {N} our readers asked for.",
    "Plans start small and grow with your {X}.",
    "Call us or write to us, whichever you prefer.",
    "The {A} season is here and so is our {N}.",
    "It is time to {V} and leave the old {X} behind.",
    "Our promise is simple: a {A} {N} or your money back.",
]
GREETINGS = ["Dear {first},", "Hi {first},", "Hello {first} {last},",
             "Dear {first} {last},", "{first}, this is for you.",
             "Good morning {first},", "Dear customer,", "Hello there,"]
SIGNOFFS = ["Best regards,", "Kind regards,", "Warm wishes,", "Cheers,",
            "Sincerely,", "See you soon,", "Thank you,", "All the best,"]
BRANDS = """Zorvex Brightleaf Quillmark Novaline Tessaro Omnivue Kelbright
    Farrow Lumisa Pennick Draxton Velmora Crestwell Halvorn Ostrava Yarrowby
    Mirabel Calderon Finchley Ruvio Sablewood Tamberly Vantor Wexley Zephyra
    Ambrose Bellweather Corvina Delmont Everly Galloway Hartwell Ingleby
    Juniper Kestrel Larkspur Merrow Northby Orrin Prescott""".split()
FOOTERS = [
    "You receive this message because you signed up on our website. "
    "To stop receiving these messages, unsubscribe here: {unsub} "
    "Our postal address is on our website.",
    "This email was sent to {rcpt}. If you no longer wish to receive our "
    "emails, you can unsubscribe at any time: {unsub}",
    "Privacy policy | Terms of use | Unsubscribe: {unsub} "
    "Please do not reply to this automated message.",
]
PERSONAL_SUBJ = ["lunch", "about tomorrow", "photos", "the report",
                 "quick question", "weekend", "re: your note", "thanks",
                 "meeting notes", "dinner plans", "the keys", "train times"]
PERSONAL_PARTS = [
    "I {pv} the {pn} you sent on {day}", "could you {pv} the {pn} before {day}",
    "my {rel} says the {pn} is {pa}", "we should {pv} the {pn} together",
    "the {pn} at the {pl} was {pa}", "I will be at the {pl} around {hour}",
    "did you manage to {pv} the {pn}", "the kids loved the {pn}",
    "let me know if the {pn} is {pa}", "I forgot the {pn} at the {pl} again",
    "are you free on {day} for the {pn}", "thanks again for the {pa} {pn}",
    "{rel2} wants to {pv} the {pn} after {event}",
    "no rush with the {pn}, {event} can wait",
    "remember the {pn} we saw near the {pl}?",
    "the {pl} closes early on {day}, so maybe {day2} instead",
    "I owe you one for the {pn}", "how did the {event} go",
    "{rel2} finally got the {pn} working",
    "it rained all {day} so we stayed in with the {pn}",
    "I left a note about the {pn} on your desk",
    "sorry I missed your call, I was at the {pl}",
    "can you ask {rel2} about the {pn}",
    "the {pn} cost more than we thought",
    "I think the {pn} belongs to {rel2}",
    "we are running late, start the {event} without us",
    "the {pa} {pn} is still in the car",
    "happy birthday to {rel2}, hope the {event} is fun",
    "my train was cancelled so I will miss the {event}",
    "bring the {pn} if you still have it",
    "do you remember where we put the {pn}",
    "the {event} is moved to {day}",
    "I finished the {pn}, have a look when you can",
    "the dog ate half of the {pn}", "the {pn} from the {pl} smells {pa}",
    "we booked a table at the {pl} for {hour}",
    "your {pn} is ready to pick up", "{rel2} sends her love",
]
PV = """fix read check sign bring find print send finish move book call
    paint clean return borrow wrap count cook carry test mend""".split()
PN = """report garden bike car cake tickets invoice draft plan photos
    slides keys boat chairs receipt map budget letter contract parcel
    paint books laptop recipe schedule ladder tent kettle sofa lamp
    umbrella printer fence curtains blanket camera guitar quilt stroller
    vase jigsaw heater bench""".split()
PA = """great fine broken late ready cold lovely strange perfect wet
    expensive early funny heavy dusty shiny noisy tiny huge odd""".split()
PL = """office station library market school cafe gym clinic park
    harbour museum bakery pool garage church pharmacy beach airport
    hospital cinema""".split()
DAYS = "monday tuesday wednesday thursday friday saturday sunday".split()
REL = "sister brother mother father cousin neighbour boss friend".split()
REL2 = """grandma uncle Tom aunt Mia Ravi Jo our neighbour the landlord
    Ben Lena Sam the teacher Omar""".split()
ASIDES = ["by the way", "also", "honestly", "if it helps", "oh and",
          "before I forget", "anyway", "so", "just so you know", "funny thing",
          "as promised", "in other news", "for what it is worth", "ps",
          "silly question but", "good news", "bad news", "between us"]
# A small grammar for one-to-one mail, so that two notes rarely share
# more than a few words in a row (as real ones do not).
SUBJ = ["I", "we", "Tom", "Lena", "the kids", "my sister", "your dad",
        "grandma", "Ravi", "Mia", "the neighbours", "Ben", "uncle Omar",
        "our landlord", "the twins", "my boss", "Kate", "the plumber"]
VPAST = """fixed found lost painted moved sold borrowed broke cleaned
    returned wrapped counted cooked carried tested mended ordered hid
    dropped washed measured photographed""".split()
MODAL = ["can", "could", "should", "will", "might", "want to",
         "need to", "forgot to", "promised to", "hope to"]
TIMES = ["tomorrow", "tonight", "today", "next week", "this weekend",
         "after lunch", "on the way home", "before the holidays",
         "in the morning", "after work", "by friday", "at noon", "later"]
PREP = ["near", "behind", "at", "in", "by", "next to", "under",
        "outside", "opposite"]
ADV = """again quickly slowly early late twice already finally
    yesterday""".split()
QW = ["when", "where", "why", "how", "did", "could", "should"]
EVENTS = """dinner rehearsal match barbecue party meeting picnic concert
    wedding trip interview appointment""".split()
LISTS = [("gardening", "Gardening club"), ("astronomy", "Amateur astronomy"),
         ("cycling", "Cycling group"), ("linux-users", "Linux users"),
         ("choir", "Community choir"), ("birding", "Bird watchers")]

CODE_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


class Gen:
    def __init__(self, seed, scale, outdir):
        self.r = random.Random(seed)
        self.rc = random.Random(seed * 7919 + 17)  # consent, own stream
        self.consent = []
        self.label = "ham"
        self.scale = scale
        self.out = outdir
        self.nfile = 0
        self.truth = []
        self.msgs = []
        self.msgid = 0
        npeople = max(2000, int(2.2 * self.size(600)))
        seen = set()
        self.people = []
        while len(self.people) < npeople:
            f, l = self.r.choice(FIRST), self.r.choice(LAST)
            addr = "%s.%s%d@%s" % (f, l, self.r.randint(1, 99),
                                   self.r.choice(MAILDOMAINS))
            if addr not in seen:
                seen.add(addr)
                self.people.append((f, l, addr))

    def size(self, n):
        return max(2, min(5000, int(round(n * self.scale))))

    def code(self, n):
        return "".join(self.r.choice(CODE_CHARS) for _ in range(n))

    def junk(self):
        """One random filler word or string (a hash-buster)."""
        if self.r.random() < 0.7:
            return self.r.choice(FILLER)
        return "".join(self.r.choice("abcdefghijklmnopqrstuvwxyz")
                       for _ in range(self.r.randint(4, 11)))

    # --- templates -----------------------------------------------------
    def sentence(self, topic, brand):
        nouns, adjs, verbs, bene = (s.split() if i < 3 else s
                                    for i, s in enumerate(TOPICS[topic]))
        p = self.r.choice(PATTERNS)
        out = []
        for part in p.split("{"):
            if "}" in part:
                key, rest = part.split("}", 1)
                val = {"N": lambda: self.r.choice(nouns),
                       "X": lambda: self.r.choice(nouns),
                       "A": lambda: self.r.choice(adjs),
                       "V": lambda: self.r.choice(verbs),
                       "B": lambda: bene,
                       "W": lambda: brand}[key]()
                out.append(val + rest)
            else:
                out.append(part)
        s = "".join(out)
        return s[0].upper() + s[1:]

    def template(self, cid):
        r = self.r
        topic = r.choice(sorted(TOPICS))
        brand = r.choice(BRANDS)
        domain = "%s-%s.example" % (brand.lower(), r.choice(
            ["mail", "news", "shop", "info", "go", "offers"]))
        nsent = r.choice([4, 6, 8, 10, 12, 15, 18, 22, 28])
        sents = [self.sentence(topic, brand) for _ in range(nsent)]
        paras, i = [], 0
        while i < len(sents):
            k = r.randint(2, 5)
            paras.append(sents[i:i + k])
            i += k
        opener = r.choice(OPENERS)
        if opener:
            paras[0].insert(0, opener)
        nouns = TOPICS[topic][0].split()
        verbs = TOPICS[topic][2].split()
        links = []
        for _ in range(r.randint(1, 4)):
            anchor = "%s %s" % (r.choice(verbs).capitalize(),
                                r.choice(["now", "today", "here",
                                          "the offer", "online"]))
            path = "/%s/%s" % (r.choice(["c", "l", "track", "go", "r"]),
                               r.choice(nouns))
            links.append((anchor, path))
        adjs = TOPICS[topic][1].split()
        subject = r.choice([
            "%s %s for you" % (r.choice(adjs).capitalize(), r.choice(nouns)),
            "Your %s %s is waiting" % (r.choice(adjs), r.choice(nouns)),
            "%s: %s" % (brand, TOPICS[topic][3].capitalize()),
            "Last chance to %s" % r.choice(verbs),
            "%s your %s today" % (r.choice(verbs).capitalize(),
                                  r.choice(nouns))])
        fmt = r.choice(["text", "html", "alt", "alt", "html", "mixed"])
        return {
            "id": cid, "topic": topic, "brand": brand, "domain": domain,
            "paras": paras, "links": links, "subject": subject,
            "greeting": r.choice(GREETINGS), "signoff": r.choice(SIGNOFFS),
            "footer": r.choice(FOOTERS) if r.random() < 0.7 else None,
            "noise": r.choice([0, 0, 0.05, 0.1, 0.2, 0.3]),
            "block": r.random() < 0.3, "fmt": fmt,
            "suffix": r.choice(["none", "code", "word", "num", "paren"]),
            "webbug": r.random() < 0.6,
            "codelen": r.choice([8, 12, 16, 22]),
        }

    # --- rendering -----------------------------------------------------
    def inject(self, paras, level, block):
        """Insert level * words random filler words, scattered or as a
        block paragraph at the end."""
        words = [w for p in paras for s in p for w in s.split()]
        k = int(round(level * len(words)))
        if k == 0:
            return [" ".join(p) for p in paras]
        if block:
            return [" ".join(p) for p in paras] + [
                " ".join(self.junk() for _ in range(k))]
        texts = [" ".join(p).split() for p in paras]
        for _ in range(k):
            t = self.r.choice(texts)
            t.insert(self.r.randint(0, len(t)), self.junk())
        return [" ".join(t) for t in texts]

    def campaign_copy(self, t, person):
        r = self.r
        first, last, addr = person
        tokens = []
        greet = t["greeting"].format(first=first.capitalize(),
                                     last=last.capitalize())
        paras = self.inject(t["paras"], r.uniform(0, t["noise"]), t["block"])
        links = []
        for anchor, path in t["links"]:
            c = self.code(t["codelen"])
            tokens.append(c)
            links.append((anchor, "https://%s%s?u=%s" % (t["domain"], path, c)))
        unsub_code = base64.urlsafe_b64encode(addr.encode()).decode().rstrip("=")
        tokens.append(unsub_code)
        unsub = "https://%s/unsubscribe/%s" % (t["domain"], unsub_code)
        bug = None
        if t["webbug"]:
            c = self.code(t["codelen"])
            tokens.append(c)
            bug = "https://img.%s/o/%s.gif" % (t["domain"], c)
        subject = t["subject"]
        sfx = t["suffix"]
        if sfx == "code":
            subject += " #" + self.code(6)
        elif sfx == "word":
            subject += " - " + self.junk()
        elif sfx == "num":
            subject += " [%d]" % r.randint(100, 99999)
        elif sfx == "paren":
            subject += " (%s)" % self.code(5).lower()
        footer = t["footer"]
        doc = {"greeting": greet, "paras": paras, "links": links,
               "signoff": t["signoff"], "brand": t["brand"],
               "footer": footer, "unsub": unsub, "rcpt": addr, "bug": bug}
        fmt = t["fmt"]
        if fmt == "mixed":
            fmt = r.choice(["text", "html", "alt"])
        headers = [("From", "%s <news@%s>" % (t["brand"], t["domain"])),
                   ("List-Unsubscribe", "<%s>" % unsub)]
        return subject, headers, doc, fmt, tokens

    def render_text(self, d):
        out = [d["greeting"], ""]
        for p in d["paras"]:
            out.append(p)
            out.append("")
        for anchor, url in d["links"]:
            out.append("%s: %s" % (anchor, url))
        out += ["", d["signoff"], d["brand"], ""]
        if d["footer"]:
            out.append(d["footer"].format(unsub=d["unsub"], rcpt=d["rcpt"]))
        return "\n".join(out) + "\n"

    def render_html(self, d):
        out = ["<html><head><title>%s</title></head><body>" % d["brand"],
               "<p>%s</p>" % d["greeting"]]
        for p in d["paras"]:
            out.append("<p>%s</p>" % p)
        for anchor, url in d["links"]:
            out.append('<p><a href="%s">%s</a></p>' % (url, anchor))
        out.append("<p>%s<br>%s</p>" % (d["signoff"], d["brand"]))
        if d["bug"]:
            out.append('<img src="%s" width="1" height="1" alt="">' % d["bug"])
        if d["footer"]:
            f = d["footer"].format(
                unsub='<a href="%s">unsubscribe</a>' % d["unsub"],
                rcpt=d["rcpt"])
            out.append('<p style="font-size:10px">%s</p>' % f)
        out.append("</body></html>")
        return "\n".join(out) + "\n"

    def encode(self, body, ctype):
        cte = self.r.choice(["quoted-printable", "base64", "8bit", "7bit"])
        raw = body.encode("utf-8")
        if cte == "quoted-printable":
            enc = quopri.encodestring(raw).decode("ascii")
        elif cte == "base64":
            enc = "\n".join(textwrap_b64(base64.b64encode(raw).decode()))
        else:
            enc = body
        return ('Content-Type: %s; charset="utf-8"\n'
                "Content-Transfer-Encoding: %s\n\n%s" % (ctype, cte, enc))

    def write(self, group, kind, person, frm_headers, subject, body_part,
              tokens, extra=()):
        first, last, addr = person
        self.msgid += 1
        hdr = ["Delivered-To: %s" % addr] + ["%s: %s" % h for h in frm_headers]
        hdr += ["To: %s %s <%s>" % (first.capitalize(), last.capitalize(),
                                    addr),
                "Subject: %s" % subject,
                "Date: Mon, 3 Mar 2025 %02d:%02d:%02d +0000" % (
                    self.msgid // 3600 % 24, self.msgid // 60 % 60,
                    self.msgid % 60),
                "Message-ID: <%d.%s@gen.example>" % (self.msgid,
                                                      self.code(10)),
                "MIME-Version: 1.0"]
        hdr += ["%s: %s" % h for h in extra]
        self.nfile += 1
        self.msgs.append("\n".join(hdr) + "\n" + body_part)
        self.truth.append([None, group, kind, addr, None,
                           ",".join(tokens) or "-", self.label])

    def mime(self, doc, fmt):
        if fmt == "text":
            return self.encode(self.render_text(doc), "text/plain")
        if fmt == "html":
            return self.encode(self.render_html(doc), "text/html")
        b = "b-" + self.code(16)
        return ('Content-Type: multipart/alternative; boundary="%s"\n\n'
                "--%s\n%s\n--%s\n%s\n--%s--\n" % (
                    b, b, self.encode(self.render_text(doc), "text/plain"),
                    b, self.encode(self.render_html(doc), "text/html"), b))

    # --- kinds of mail -------------------------------------------------
    def campaigns(self):
        sizes = [600, 300, 200, 120, 80, 60, 40, 30, 25, 20, 15, 12, 10, 8,
                 6, 5, 4, 3, 2]
        sizes = [self.size(s) for s in sizes]
        sizes += [self.r.randint(2, 12) for _ in range(int(40 * self.scale))]
        for i, n in enumerate(sizes):
            t = self.template("c%04d" % i)
            newsletter = i % 4 == 1
            for person in self.r.sample(self.people, n):
                subject, hdrs, doc, fmt, tokens = self.campaign_copy(t, person)
                self.label = "spam"
                if newsletter and self.rc.random() < 0.4:
                    self.label = "bulk"
                    self.consent.append((person[2], self.rc.choice(
                        ["news@" + t["domain"], t["domain"]]), "signup"))
                self.write(t["id"], "campaign", person, hdrs, subject,
                           self.mime(doc, fmt), tokens)
                self.truth[-1].append(t["domain"])
        self.label = "ham"

    def clause(self):
        r = self.r
        k = r.randint(0, 3)
        if k == 0:
            return "%s %s the %s %s %s the %s" % (
                r.choice(SUBJ), r.choice(VPAST), r.choice(PA),
                r.choice(PN), r.choice(PREP), r.choice(PL))
        if k == 1:
            return "%s %s %s the %s %s" % (
                r.choice(SUBJ), r.choice(MODAL), r.choice(PV),
                r.choice(PN), r.choice(TIMES))
        if k == 2:
            return "the %s %s the %s was %s %s" % (
                r.choice(PN), r.choice(PREP), r.choice(PL), r.choice(PA),
                r.choice(ADV))
        return "%s %s %s the %s %s" % (
            r.choice(QW), r.choice(SUBJ).lower(), r.choice(PV),
            r.choice(PN), r.choice(TIMES))

    def personal_text(self, greeting, nparts):
        r = self.r
        parts = []
        for _ in range(nparts):
            if r.random() < 0.7:
                p = self.clause()
                if r.random() < 0.3:
                    p += r.choice([" and ", " but ", " because "]) + \
                        self.clause()
                if r.random() < 0.3:
                    p = r.choice(ASIDES) + ", " + p
                parts.append(p[0].upper() + p[1:] + r.choice(".?!"))
                continue
            p = r.choice(PERSONAL_PARTS).format(
                pv=r.choice(PV), pn=r.choice(PN), pa=r.choice(PA),
                pl=r.choice(PL), day=r.choice(DAYS), rel=r.choice(REL),
                day2=r.choice(DAYS), rel2=r.choice(REL2),
                event=r.choice(EVENTS),
                hour="%d:%02d" % (r.randint(7, 21), r.choice([0, 15, 30])))
            if r.random() < 0.4:
                p = r.choice(ASIDES) + ", " + p
            parts.append(p[0].upper() + p[1:] + r.choice([".", "?", "!"]))
        return greeting + "\n\n" + " ".join(parts) + "\n"

    def personal(self):
        for i in range(int(400 * self.scale)):
            frm, to = self.r.sample(self.people, 2)
            text = self.personal_text("Hi %s," % to[0].capitalize(),
                                      self.r.randint(4, 9))
            text += "\n%s\n" % frm[0].capitalize()
            self.write("personal-%d" % i, "personal", to,
                       [("From", "%s <%s>" % (frm[0].capitalize(), frm[2]))],
                       self.r.choice(PERSONAL_SUBJ),
                       self.encode(text, "text/plain"), [])

    def groups(self):
        for i in range(int(25 * self.scale)):
            frm = self.r.choice(self.people)
            rcpts = self.r.sample(self.people, self.r.randint(3, 8))
            text = self.personal_text("Hi all,", self.r.randint(4, 9))
            text += "\n%s\n" % frm[0].capitalize()
            body = self.encode(text, "text/plain")
            subj = self.r.choice(PERSONAL_SUBJ)
            for p in rcpts:
                self.write("group%d" % i, "group", p,
                           [("From", "%s <%s>" % (frm[0].capitalize(),
                                                  frm[2]))], subj, body, [])

    def lists(self):
        for li, (lid, lname) in enumerate(LISTS[:max(1, int(5 * min(
                self.scale, 1.2)))]):
            members = self.r.sample(self.people, self.size(
                self.r.randint(5, 30)))
            for p in members:
                self.consent.append((p[2], "<%s.lists.example>" % lid,
                                     "subscribed"))
            self.label = "bulk"
            for post in range(int(6 * self.scale) or 1):
                frm = self.r.choice(members)
                text = self.personal_text(
                    "Hello %s members," % lname.lower(), self.r.randint(5, 12))
                text += "\n%s %s\n" % (frm[0].capitalize(),
                                       frm[1].capitalize())
                subj = "[%s] %s" % (lid, self.r.choice(PERSONAL_SUBJ))
                for p in members:
                    foot = ("\n_______________________________________\n"
                            "%s mailing list\n%s@lists.example\n"
                            "https://lists.example/options/%s/%s\n" % (
                                lname, lid, lid, p[2]))
                    self.write("list%d-p%d" % (li, post), "list", p,
                               [("From", "%s %s <%s>" % (
                                   frm[0].capitalize(), frm[1].capitalize(),
                                   frm[2]))], subj,
                               self.encode(text + foot, "text/plain"), [],
                               extra=[("List-Id", "%s <%s.lists.example>" % (
                                   lname, lid))])

        self.label = "ham"

    def finish(self):
        """Write the messages in a shuffled order, so that the copies of
        one campaign are not neighbours, and the truth sorted by file."""
        order = list(range(len(self.msgs)))
        self.r.shuffle(order)
        for pos, i in enumerate(order):
            name = "mail/msg-%06d.eml" % pos
            self.truth[i][0] = name
            with open(os.path.join(self.out, name), "w", encoding="utf-8",
                      newline="\n") as f:
                f.write(self.msgs[i])
        self.truth.sort()
        count = {}
        for row in self.truth:
            count[row[1]] = count.get(row[1], 0) + 1
        with open(os.path.join(self.out, "truth.tsv"), "w") as f:
            f.write("file\tgroup\tkind\trecipient\tsize\ttokens\n")
            for row in self.truth:
                row[4] = str(count[row[1]])
                f.write("\t".join(row[:6]) + "\n")
        # consent given for one campaign's sender covers every campaign
        # of that sender (two templates may share a domain)
        given = set((r, s) for r, s, _ in self.consent)
        with open(os.path.join(self.out, "labels.tsv"), "w") as f:
            for row in self.truth:
                if len(row) > 7 and ((row[3], row[7]) in given or
                                     (row[3], "news@" + row[7]) in given):
                    row[6] = "bulk"
                f.write("%s\t%s\n" % (row[0], row[6]))
        with open(os.path.join(self.out, "consent.tsv"), "w") as f:
            f.write("# recipient\tsender\tsource (gencampaigns.py)\n")
            for rcpt, sender, source in self.consent:
                f.write("%s\t%s\t%s\n" % (rcpt, sender, source))


def textwrap_b64(s):
    return [s[i:i + 76] for i in range(0, len(s), 76)]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--scale", type=float, default=1.0,
                    help="multiply every count (default 1: ~3,000 messages)")
    ap.add_argument("--large", action="store_true",
                    help="--scale 10: ~30,000 messages, campaigns to 5,000")
    ap.add_argument("--tracking", action="store_true",
                    help="tracking codes of every kind in the campaigns, "
                    "transactional and personal mail with links, and "
                    "OUTDIR/truth-links.tsv (tools/gentracking.py)")
    ap.add_argument("outdir")
    a = ap.parse_args()
    scale = 10.0 if a.large else a.scale
    os.makedirs(os.path.join(a.outdir, "mail"), exist_ok=True)
    if a.tracking:
        from gentracking import TrackingGen
        g = TrackingGen(a.seed, scale, a.outdir)
    else:
        g = Gen(a.seed, scale, a.outdir)
    g.campaigns()
    g.groups()
    g.lists()
    g.personal()
    if a.tracking:
        g.transactional()
        g.personal_links()
    g.finish()
    sys.stderr.write("gencampaigns: %d messages in %s\n" % (g.nfile, a.outdir))


if __name__ == "__main__":
    main()
