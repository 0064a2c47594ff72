/**
 * Name lists for the anonymity gate: common first names and surnames in Sweden (including
 * common immigrant-background names), and the words that decide whether a listed name that is
 * also an ordinary word really is a name. All entries are lower case.
 */
const words = (s: string): string[] => s.trim().split(/\s+/);

const BOYS = words(`
adam adrian albin alexander alfred algot ali alvar alvin anton aron arthur artur arvid axel
benjamin bruno carl casper kasper charlie christoffer colin conrad daniel dante david douglas
ebbe edvin edward eddie einar eli elias elis elliot elton emanuel emil emir enzo erik eric
felix filip folke frans fredrik gabriel gunnar gustav gustaf hampus harald harry henrik hjalmar
hugo ian isak ivar jack jacob jakob jesper jimmy joakim joel johan johannes john jonatan
jonathan jonas jonte josef julius kalle karl kevin kian leo leon liam lias linus loke lucas
lukas ludvig magnus malte marcus markus martin matheo matteo mattias max melker melvin
michael mikael milo milton mohammed mohammad muhammad mohamed mohamad neo niklas nicklas
nicolas nikolas nils noah noel oliver olle olof oscar oskar ossian otto patrik peter petter
pontus rasmus robin robert roger sam samuel sander sebastian sigge simon sixten svante theo
theodor tim tobias tom ture valter walter viggo vincent viktor victor vidar vilgot vilmer
wilhelm william wille love lowe anders andreas bengt bo björn christer dag erland göran
gösta hans håkan ingvar jan jörgen kent kjell lars leif lennart mats morgan ola ove per
roland rolf rune stellan sten stig sture sune sven thomas tomas torbjörn tommy ulf urban åke
örjan jens kenneth kenta pelle nisse janne micke jocke zlatan dennis kim
ahmed ahmad amir amin omar hassan hussein husein yusuf youssef yousef ibrahim ismail mustafa
mahmoud abdullah abdi abdirahman abdullahi abdulrahman hamza bilal karim samir tariq adnan
yasin yassin idris musa jamal khalid khaled said saeed rashid mehdi reza arash dariush farhad
navid omid sina aram ayoub ilias ilyas elyas zakaria anas mehmet murat emre deniz burak kerem
can milan nikola luka marko stefan amar edin haris adem emin dino dragan goran zoran
aleksandar mateo luca rami sami ammar hadi hussain mahdi jibril mohamud faisal nabil walid
yahya zain aziz marwan ziad abdul yonas dawit samuel mikias filmon
`);

const GIRLS = words(`
alice alicia alma alva amanda anna astrid agnes alexandra ebba elin ella ellen ellie elsa
elvira emilia emma engla esther ester emelie felicia freja frida greta hanna hannah hedda
hedvig ida ines iris isabelle isabella jasmine jasmin julia juni klara clara leia lilly lily
linn linnea lisa lova lovisa maja majken matilda meja melissa mila minna mira moa my nellie
nora nova olivia ronja saga sara sarah selma signe siri sofia sofie stella stina svea tea
thea tilda tilde tindra tuva tyra vera vilma wilma vilja wilda vilda amelia angelina anja
cornelia cecilia caroline charlotte elina elise elisabeth elisabet emmy erika evelina
filippa hilda hilma ingrid jennifer johanna josefin josefine julie karin katarina kristina
lena linda louise lo madeleine malin maria marie märta nathalie nelly nicole ninni nina
oliwia paulina rebecka sanna sandra sigrid sophie therese tova tove ulrika vanessa viktoria
victoria vanja ylva åsa anneli annika berit birgitta britt camilla christina eva gunilla
helena ingela inger jenny jessica kerstin lotta margareta marianne monica monika pia
susanne ulla viveka yvonne rut siv maj liv sol rosa viola lilja inga dina mina astrid
fatima fatma aisha aysha amina amira aya hiba layla leila leyla lejla nour noor zahra zainab
zeinab maryam mariam yasmin yasmine hawa ayan hodan fadumo ilham rahma zeynep elif ebru esra
emina amra lana mia sana salma rania dalia hala huda israa asma samira nadia yara shirin
parisa niloofar roya sahar hanan habiba khadija safiya sumaya hafsa ikram naima warda nasra
sagal hibo maida ajla merima jovana milica ana sofija natalia anastasia daria olga irina
polina alina kateryna sofiya zuzanna wiktoria zofia helin dilan rojin berfin sidra ayse
meryem iman sabrina jamila nora luna leah lea tiffany emelia novalie tiana mikaela
`);

const MORE_BOYS = words(`
aleksander alex alexis ante aston birk bill bob cornelius dexter elian eliot evert fabian
ferdinand fritz gideon gottfrid harvey henry holger isac ivan jamie jim joar jon jonah josua
julian justus kai kaj ken kenan kristian kristoffer levi loui louie ludwig luis manne marcel
matias mattis maximilian mio nathan natan nelson nicholas nicke nico nikolaj noa noak odin
orvar pascal paul pablo rafael ralf rayan ruben rufus sebbe seth sigurd sivert sonny tage
tobbe tristan valdemar vide vilhelm wilmer yngve yousuf zakarias ebrahim mehmed mahmud osman
yasir salah hamid habib farid nasir majid hamed javad abbas ayman kamal yaser jonny glenn lasse
ronny abdallah abdelrahman ahmet baran berat cem dawood daud harun hasan hüseyin kaan mert
ömer omer rojhat serhat zana arin aras abdikarim abdiwali guled liban mahad hamse ayanle
bashir robel sayed sajad fawad mujtaba jawad hussam mazen fadi ghaith laith mohanad amel
armin tarik mirza nedim alen jakub kacper szymon wiktor bartosz mateusz eino onni aleksi
juho mikko pekka jukka timo dmitri sergej alexej nikita artem maxim
`);

const MORE_GIRLS = words(`
aleksandra alexia amalia ann anne annie ariana ava beatrice bella bianca cajsa kajsa celine
cleo daniela diana dagny edith elena eleonora elsie embla emmie estelle fanny freya
gabriella gunnel gerd hillevi idun ilse ina ingeborg irma isa jelena joline jolin josefina
julianna juna kaisa karolina lina liz lotten lovis lucia lydia magdalena majvor malva marta
matilde melina miriam molly myra nadja natalie nicolina petra rebecca rakel ruth sabina
selin sienna silje smilla solveig sonja stephanie tekla tessa tilly tina valentina vendela
wendela wera vilhelmina leona madicken mariana marina melinda nilla noelle ofelia samantha
thyra aurora amelie alba elvina ellinor elinor yasmina rukia ladan shukri fardowsa filsan
ifrah asha sahra sabah nesrin dunja amal malak jana lujain layan fatemeh narges parwin
gulnar aylin defne buse sevda derya dilara hevin rojda shilan semhar hermon luwam helen
nasrin rasha rawan reem dima haya elma ajna alicja aino satu tuula riikka ksenia ekaterina
tatiana
`);

/** First names (boys and girls). */
export const FIRST_NAMES: ReadonlySet<string> = new Set([
  ...BOYS,
  ...GIRLS,
  ...MORE_BOYS,
  ...MORE_GIRLS,
]);

/** Surnames common in Sweden. */
export const SURNAMES: ReadonlySet<string> = new Set(
  words(`
andersson johansson karlsson nilsson eriksson larsson olsson persson svensson gustafsson
pettersson jonsson jansson hansson bengtsson jönsson lindberg jakobsson magnusson olofsson
lindström lindqvist lindgren axelsson berg bergström lundberg lind lundgren lundqvist mattsson
berglund fredriksson sandberg henriksson forsberg sjöberg wallin engström eklund danielsson
lundin håkansson björk bergman gunnarsson holm wikström samuelsson isaksson fransson
bergqvist nyström holmberg arvidsson löfgren söderberg nyberg blomqvist claesson nordström
mårtensson lundström viklund björklund eliasson pålsson berggren sandström lund nordin ström
åberg hermansson ekström holmgren sundberg hedlund dahlberg hellström sjögren abrahamsson
falk öberg martinsson andreasson blom ek månsson strand åkesson jonasson nordqvist dahl
sundström hedberg lindholm lindahl norberg ivarsson nygren sjöström åström holmqvist
lindblom fors malmberg lindén wahlberg bäckström lindell sundqvist hägg ljung borg
holmström nordlund westberg westin sjödin forslund lindkvist engberg åkerlund gustavsson
carlsson petersson ohlsson jacobsson bergkvist wallgren hallberg ekberg strömberg
söderström sandin nordgren kjellberg edlund hedström lindroth stenberg östlund grönlund
rosén sandell ekman lundmark backman öhman boström nyman åslund svensson
ahmed ali mohammed mohamed hassan hussein ibrahim abdullah omar yusuf osman abdi farah jama
warsame said khalil karimi hosseini mohammadi ahmadi rezaei hashemi jafari rahimi sadeghi
haidari yilmaz kaya demir sahin öztürk aydin celik arslan yildiz dogan kovacevic hodzic
hadzic begic mehmedovic petrovic jovanovic nikolic popovic kowalski nowak wisniewski
lewandowski kaminski ivanov petrov smirnov nguyen tran pham garcia rodriguez martinez lopez
gonzalez hernandez silva santos müller schmidt smith jones brown wilson taylor mäkinen
virtanen korhonen nieminen hämäläinen laine heikkinen koskinen järvinen lehtonen rossi
ekholm sjölund hedman åkerman nordberg sundin bergh lindblad hellberg söderlund lundkvist
björkman ericsson ericson eriksen jensen hansen nielsen larsen pedersen olsen andersen
mohamud abdullahi nur hersi aden dahir duale haji ismail yousef khan singh shah hussain
rahman begum akhtar chowdhury sultani azizi nazari amiri rahmani popal noori qasemi sharifi
mousavi karami salehi alizadeh hosseinzadeh yousefi khalaf saleh haddad nasser mansour
hamdan aziz jovic ilic markovic stojanovic simic djordjevic pavlovic kovac babic horvat
delic mustafic alic hasanovic zimmermann becker fischer weber meyer wagner kaplan polat
kilic aksoy akbulut erdogan güler korkmaz özdemir keskin
`),
);

/**
 * Listed names that are also ordinary Swedish words (bo = live, sten = stone, björn = bear,
 * per = per, dag = day, klara = manage …). They only count as names when capitalised in the
 * middle of a sentence, or with a relation word, another name or "heter" next to them.
 */
export const AMBIGUOUS_FIRST: ReadonlySet<string> = new Set(
  words(`
bo sten björn rut siv dag per mats axel max tom tim love lova klara iris saga vilja vilda
liv sol my lo rosa viola lilja stig tor urban sanna tindra can said kim mark ben frank
kaj lina tina vide lava malva bill
`),
);

/**
 * Listed names that are also very frequent words (hans = his, inga = none, dina/mina/sina =
 * your/my/their, maj/juni/august/jan = months, bror = brother). Capitalisation alone is not
 * enough: they need a relation word before them, a surname after them, or "heter"/"kallas".
 */
export const WEAK_FIRST: ReadonlySet<string> = new Set(
  words(`hans inga dina mina sina maj juni august jan bror alla`),
);

/** Surnames that are also ordinary words or place names; they only count after a first name. */
export const AMBIGUOUS_SURNAMES: ReadonlySet<string> = new Set(
  words(`berg lind holm ek lund strand björk dahl blom falk fors borg ström ljung hägg tran said
omar jama farah ali ahmed hassan silva santos brown smith rossi laine kaya aden nur shah
khan becker`),
);

/**
 * Words before a name that show it is a person: roles and family relations, singular and
 * definite ("eleven Kalle", "mamma Lena", "hennes bror Ahmed", "rektor Anna Svensson").
 */
export const RELATION_WORDS: ReadonlySet<string> = new Set(
  words(`
elev eleven elevens pojke pojken pojkens flicka flickan flickans barn barnet barnets kille
killen tjej tjejen mamma mamman mammans mor modern pappa pappan pappans far fadern
bror brodern brorsan syster systern syrran storebror lillebror storasyster lillasyster
syskon syskonet kusin kusinen mormor morfar farmor farfar moster mostern faster fastern
morbror farbror styvpappa styvmamma bonuspappa bonusmamma sambo sambon pojkvän flickvän
kompis kompisen kamrat kamraten klasskamrat klasskamraten vän vännen vårdnadshavare
vårdnadshavaren rektor rektorn mentor mentorn kurator kuratorn lärare läraren sköterska
skolsköterskan handläggare handläggaren socialsekreterare socialsekreteraren
kontaktperson kontaktpersonen fru herr familjen son sonen dotter dottern
`),
);

/** Words after "heter"/"kallas" that are not names ("heter det", "kallas ofta"). */
export const NOT_NAME_AFTER_HETER: ReadonlySet<string> = set_(`
det den de han hon hen inte ju också även nog bara så något någon ofta för av
`);

function set_(s: string): ReadonlySet<string> {
  return new Set(words(s));
}

/**
 * Institutions whose names contain a personal name ("Astrid Lindgrens barnsjukhus",
 * "Maria Ungdom"). Matched case-insensitively and excluded from name detection.
 */
export const INSTITUTIONS: readonly RegExp[] = [
  /astrid\s+lindgrens\s+(?:barn)?sjukhus/giu,
  /drottning\s+silvias\s+barn-?\s*och\s+ungdomssjukhus|drottning\s+silvias\s+barnsjukhus/giu,
  /maria\s+ungdom/giu,
  /sachsska\s+barn/giu,
  /s(?:ank)?t\.?:?\s*görans\s+sjukhus/giu,
  /ersta\s+sjukhus/giu,
  /kalle\s+anka/giu,
];

/** Endings of Swedish and other surnames ("-sson", "-berg", "-ović", "-zadeh"). */
export const SURNAME_SUFFIX =
  /(?:sson|son|berg|ström|gren|lund|qvist|kvist|dahl|holm|stedt|blad|ius|ić|ović|ovic|zadeh|oğlu|poulos)$/u;
