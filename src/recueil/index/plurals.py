"""Singular and plural forms that Snowball French stems apart, brought together.

Snowball keeps the final ``s`` after a vowel (``photos``, ``emplois``,
``amis``) and strips verb endings from nouns whose plural it leaves whole
(``loisir`` -> ``lois`` but ``loisirs`` -> ``loisir``). For each such pair of
the package's French word list (``data/french_words.txt.gz``, folded), this
table gives the one stem both forms index as: the plural's when Snowball cut
the singular short, else the singular's. ``tests/test_index_analysis.py``
derives the table again from the word list and compares. A few pairs the
list lacks are added by hand (``EXTRA``).
"""

from __future__ import annotations

from functools import lru_cache

EXTRA = {"gouter": "gouter"}  # goûter / goûters (a snack); Snowball: goût / goûter

_TABLE = """
abattus abattu | abois aboi | abris abri | absolus absolu | abstenus abstenu
acajous acajou | accessit accessit | accrus accru | adieux adieu | aficionados aficionado
afrikaner afrikaner | aigus aigu | altos alto | ambigus ambigu | amis ami | amplis ampli
andalous andalou | apercus apercu | apis api | apparus apparu | appetit appetit
appuis appui | ardus ardu | armas arma | attendus attendu | audios audio
autoportrait autoportrait | avenir avenir | avenus avenu | aveux aveu | baiser baiser
balai balais | bandit bandit | bantous bantou | barbus barbu | battus battu | baux bau
bayous bayou | beffrois beffroi | berger berger | bienfait bienfait | bios bio | bleus bleu
bobos bobo | boer boer | bookmaker bookmaker | boubous boubou | boucher boucher
boulanger boulanger | boxer boxer | bravos bravo | bucher bucher | bulldozer bulldozer
bunker bunker | bus bu | cacaoyer cacaoyer | campos campo | cancer cancer | cargos cargo
casinos casino | cayeux cayeu | challenger challenger | charter charter | cheveux cheveu
chouchous chouchou | chronos chrono | circonscrit circonscrit | clocher clocher | clous clou
cocher cocher | cocos coco | commandos commando | computer computer | concertos concerto
conclus conclu | concus concu | conflit conflit | confondus confondu | congrus congru
connus connu | conscrit conscrit | conseiller conseiller | container container
contenus contenu | contigus contigu | continus continu | contrefait contrefait
convaincus convaincu | convenus convenu | convois convoi | corner corner
corrompus corrompu | cossus cossu | coucous coucou | cracker cracker | credit credit
crepus crepu | cris cri | crus cru | danger danger | debattus debattu | debit debit
decemvir decemvir | dechus dechu | decrit decrit | decus decu | defait defait
defendus defendu | deficit deficit | delit delit | depourvus depourvu | descendus descendu
designer designer | desir desir | dessous dessou | destroyer destroyer | detenus detenu
devenus devenu | devolus devolu | dieux dieu | diner diner | diple diplex
discontinus discontinu | disparus disparu | dispos dispo | distrait distrait
dominos domino | duos duo | dynamos dynamo | echos echo | ecus ecu | ecuyer ecuyer
electromenager electromenager | elixir elixir | elus elu | embargos embargo | emplis empli
emplois emploi | enjeux enjeu | ennuis ennui | entendus entendu | entier entier
entretenus entretenu | entrevus entrevu | envois envoi | epis epi | erudit erudit
essais essai | etendus etendu | etranger etranger | euros euro | exclus exclu | expos expo
farfelus farfelu | feuillus feuillu | feux feu | fiascos fiasco | fier fier | fis fi
flous flou | fois foi | fondus fondu | fous fou | foyer foyer | frais frai | fuis fui
gangster gangster | gaucher gaucher | geyser geyser | ghettos ghetto | gis gi
glissandos glissando | gourous gourou | gris gri | guanacos guanaco | guerilleros guerillero
habit habit | hacker hacker | hais hai | hebreux hebreu | herbager herbager | herbus herbu
hindous hindou | hiver hiver | houiller houiller | imparfait imparfait | imprevus imprevu
inapercus inapercu | inattendus inattendu | incas inca | inconnus inconnu
individus individu | indus indu | inedit inedit | ininterrompus ininterrompu | inox ino
insatisfait insatisfait | interdit interdit | intermezzos intermezzo
interrompus interrompu | intervenus intervenu | invaincus invaincu | invendus invendu
iras ira | issus issu | jeux jeu | junker junker | kangourous kangourou | kilos kilo
kimonos kimono | lancer lancer | laos lao | laser laser | latinos latino | leader leader
leger leger | lieux lieu | lis li | lithos litho | logos logo | lois loi | loisir loisir
loyer loyer | lus lu | maintenus maintenu | malentendus malentendu | manager manager
mandchous mandchou | manuscrit manuscrit | maraicher maraicher | master master
maudit maudit | meconnus meconnu | mefait mefait | melos melo | memos memo | menager menager
menhir menhir | menus menu | messager messager | metayer metayer | meteos meteo
metros metro | micros micro | milieux milieu | mis mi | mordus mordu | motos moto | mous mou
multiple multiplex | mus mu | nandous nandou | navajos navajo | neutrinos neutrino
neveux neveu | nias nia | noyer noyer | numeros numero | nus nu | obis obi | obtenus obtenu
oratorios oratorio | oreiller oreiller | ovnis ovni | panzer panzer | parfait parfait
paris pari | parler parler | parois paroi | parus paru | parvenus parvenu
passager passager | paysager paysager | pecher pecher | pendus pendu | percus percu
perdus perdu | pesos peso | petit petit | peux peu | photos photo | pianos piano
pieux pieu | pizzicatos pizzicato | plaidoyer plaidoyer | plaisir plaisir
plancher plancher | plis pli | plus plu | pneus pneu | poilus poilu | pointus pointu
polder polder | polos polo | portrait portrait | poster poster | potager potager
pourparler pourparler | pourvus pourvu | predit predit | prescrit prescrit
pretendus pretendu | prevenus prevenu | prevus prevu | profit profit
pronunciamientos pronunciamiento | proscrit proscrit | pus pu | quais quai
quiproquos quiproquo | radios radio | rais rai | ranger ranger | rapidos rapido | ras ra
ratios ratio | recit recit | reconnus reconnu | recus recu | redevenus redevenu
reecrit reecrit | reelus reelu | refait refait | rendus rendu | renvois renvoi
repandus repandu | reporter reporter | residus residu | resolus resolu | retenus retenu
retranscrit retranscrit | revendus revendu | revenus revenu | revetus revetu
revolver revolver | revus revu | ris ri | risottos risotto | rocher rocher | rocker rocker
rodeos rodeo | rois roi | rompus rompu | rondos rondo | rus ru | sais sai
sanskrit sanskrit | satisfait satisfait | scanner scanner | scenarios scenario
scooter scooter | secourus secouru | silos silo | simple simplex | sis si | six si
skipper skipper | sniper sniper | solos solo | souhait souhait | sous sou
souscrit souscrit | soutenus soutenu | souvenir souvenir | sprinter sprinter
squatter squatter | studios studio | stupefait stupefait | stylos stylo | superflus superflu
supporter supporter | survenus survenu | sus su | suspendus suspendu | tabous tabou
tanker tanker | tapis tapi | tendus tendu | tenus tenu | thriller thriller | tissus tissu
tournois tournoi | transcrit transcrit | transit transit | trapus trapu | tremolos tremolo
tribus tribu | trios trio | triple triplex | triumvir triumvir | trous trou | typos typo
ultras ultra | unis uni | usager usager | vacher vacher | vaincus vaincu | vas va | vaux vau
vecus vecu | velos velo | vendus vendu | venus venu | verger verger | verrous verrou
vertus vertu | vetus vetu | viager viager | videos video | vizir vizir | voeux voeu
voulus voulu | voyous voyou | vrais vrai | vus vu | welter welter | zeros zero | zoos zoo"""


@lru_cache(maxsize=1)
def table() -> dict[str, str]:
    """Folded word -> the stem it indexes as."""
    found = dict(EXTRA)
    for line in _TABLE.split("\n"):
        for pair in line.split(" | "):
            if pair:
                word, stem = pair.split(" ")
                found[word] = stem
    return found
