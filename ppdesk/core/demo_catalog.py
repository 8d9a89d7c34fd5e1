"""The demo store's catalogue, planted pairs and customer vocabularies (no randomness here).

The demo store, "Daybreak & Hound", sells specialty coffee, skincare and pet supplies:
three categories with clearly consumable products (coffee beans, moisturiser, kibble)
that customers reorder on a cycle, and durable goods (grinders, dog beds) that they
buy once. The catalogue is fixed (the same for every seed) so the planted pairs and
cycles in :class:`ppdesk.core.demo_data.DemoTruth` are stable product keys.

Everything here is invented for ppdesk; no name or price is copied from a real shop.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

CATEGORIES = ("coffee", "skincare", "pet", "gifts")


@dataclass(frozen=True)
class Catalog:
    """Column arrays, one entry per product (index = product number)."""

    sku: np.ndarray  # str; "" for products sold without a SKU
    name: np.ndarray  # str; "Base name - Variant" like Shopify's Lineitem name
    vendor: np.ndarray  # str
    category: np.ndarray  # int, index into CATEGORIES
    price_cents: np.ndarray  # int64
    compare_cents: np.ndarray  # int64; 0 = no compare-at price
    cycle_days: np.ndarray  # float64; 0 = not consumable
    weight: np.ndarray  # float64 popularity weight within its category
    requires_shipping: np.ndarray  # bool

    @property
    def key(self) -> np.ndarray:
        """The contract's product key: SKU trimmed when not empty, else the name trimmed."""
        sku = np.char.strip(self.sku.astype(str))
        return np.where(sku != "", sku, np.char.strip(self.name.astype(str)))

    def index_of(self, name: str) -> int:
        hits = np.flatnonzero(self.name == name)
        if len(hits) != 1:
            raise KeyError(name)
        return int(hits[0])

    def __len__(self) -> int:
        return len(self.sku)


_ORIGINS = [
    # (label, sku code, 250 g price, cycle of a 250 g bag in days)
    ("Ethiopia Yirgacheffe", "ETH", 1850, 21.0),
    ("Kenya Nyeri AA", "KEN", 1950, 22.0),
    ("Colombia Huila", "COL", 1600, 23.0),
    ("Brazil Cerrado", "BRA", 1450, 20.0),
    ("Guatemala Antigua", "GUA", 1650, 23.0),
    ("Costa Rica Tarrazu", "CRI", 1700, 24.0),
    ("Sumatra Mandheling", "SUM", 1700, 22.0),
    ("Rwanda Nyamasheke", "RWA", 1800, 25.0),
    ("Peru Cajamarca", "PER", 1550, 23.0),
    ("Honduras Marcala", "HON", 1500, 24.0),
    ("House Espresso", "ESP", 1500, 18.0),
    ("Morning Blend", "MOR", 1400, 19.0),
    ("Swiss Water Decaf", "DEC", 1650, 30.0),
    ("French Dark Roast", "FDR", 1450, 21.0),
]
_GRINDS = [("Whole Bean", "WB"), ("Espresso", "EG"), ("Filter", "FG")]

# (name, sku or "", vendor, category, price cents, compare-at cents, cycle days, weight, ships)
_Row = tuple[str, str, str, str, int, int, float, float, bool]


def _coffee() -> list[_Row]:
    rows: list[_Row] = []
    for o, (origin, code, price, cycle) in enumerate(_ORIGINS):
        base_weight = 3.0 / (1 + o * 0.35)
        for g, (grind, gcode) in enumerate(_GRINDS):
            gw = (1.0, 0.55, 0.45)[g]
            rows.append((f"{origin} Coffee Beans - 250g / {grind}", f"DBR-{code}-250-{gcode}",
                         "Daybreak Roasters", "coffee", price, 0, cycle, base_weight * gw, True))
            rows.append((f"{origin} Coffee Beans - 1kg / {grind}", f"DBR-{code}-1K-{gcode}",
                         "Daybreak Roasters", "coffee", int(price * 3.2) // 50 * 50, 0,
                         round(cycle * 3.1), base_weight * gw * 0.35, True))
    rows += [
        ("Paper Filters V60 02 (100 pack)", "DBR-FLT-V60", "Daybreak Roasters", "coffee",
         650, 0, 55.0, 1.4, True),
        ("Bonded Chemex-Style Filters (100)", "DBR-FLT-CHX", "Daybreak Roasters", "coffee",
         1100, 0, 70.0, 0.5, True),
        ("Espresso Machine Descaler", "DBR-DESC", "Daybreak Roasters", "coffee",
         1400, 0, 90.0, 0.4, True),
        ("Cold Brew Filter Bags (10)", "DBR-CBB", "Daybreak Roasters", "coffee",
         900, 0, 28.0, 0.5, True),
        ("Ceremonial Matcha - 30g", "DBR-MATCHA", "Daybreak Roasters", "coffee",
         2400, 2800, 30.0, 0.6, True),
        ("English Breakfast Tea (50 bags)", "DBR-TEA-EB", "Daybreak Roasters", "coffee",
         850, 0, 35.0, 0.5, True),
        ("Spiced Chai Concentrate 1L", "DBR-CHAI", "Daybreak Roasters", "coffee",
         1250, 0, 16.0, 0.4, True),
    ]
    gear = [
        ("Pour-Over Dripper V60 - Ceramic White", "DBR-V60-WHT", 2900, 1.6),
        ("Pour-Over Dripper V60 - Ceramic Black", "DBR-V60-BLK", 2900, 0.6),
        ("Conical Burr Grinder", "DBR-GRIND", 14900, 0.7),
        ("Hand Grinder - Steel", "DBR-HGRIND", 6900, 0.4),
        ("Gooseneck Kettle 1L - Matte Black", "DBR-KETTLE-BLK", 7900, 0.5),
        ("Gooseneck Kettle 1L - Brushed Steel", "DBR-KETTLE-STL", 7900, 0.3),
        ("Digital Coffee Scale", "DBR-SCALE", 3900, 0.5),
        ("French Press 8-cup", "DBR-FPRESS", 3400, 0.5),
        ("AeroPress Coffee Maker", "DBR-AERO", 3995, 0.9),
        ("Stovetop Moka Pot 6-cup", "DBR-MOKA", 3200, 0.4),
        ("Milk Frother", "DBR-FROTH", 2400, 0.4),
        ("Cold Brew Maker 1.5L", "DBR-CBMAKER", 2800, 0.3),
        ("Airtight Coffee Canister", "DBR-CANISTER", 2600, 0.4),
    ]
    for name, sku, price, w in gear:
        rows.append((name, sku, "Daybreak Roasters", "coffee", price, 0, 0.0, w, True))
    for colour in ("Sage", "Charcoal", "Sand", "Terracotta"):
        rows.append((f"Travel Mug 12oz - {colour}", f"DBR-TMUG-{colour[:3].upper()}",
                     "Daybreak Roasters", "coffee", 2400, 0, 0.0, 0.25, True))
        rows.append((f"Stoneware Mug 10oz - {colour}", f"DBR-MUG-{colour[:3].upper()}",
                     "Daybreak Roasters", "coffee", 1800, 0, 0.0, 0.25, True))
    return rows


def _skincare() -> list[_Row]:
    rows: list[_Row] = []
    by_type = [
        ("Daily Moisturizer 50ml", "KS-MOIST", 3200, 45.0, 1.6),
        ("Gentle Foaming Cleanser 150ml", "KS-CLEAN", 2200, 50.0, 1.3),
        ("Hydrating Toner 200ml", "KS-TONER", 2400, 55.0, 0.7),
        ("Night Repair Cream 50ml", "KS-NIGHT", 3800, 50.0, 0.6),
    ]
    for name, sku, price, cycle, w in by_type:
        for t, skin in enumerate(("Normal", "Dry", "Oily", "Sensitive")):
            rows.append((f"{name} - {skin}", f"{sku}-{skin[:3].upper()}", "Kindred Skin",
                         "skincare", price, 0, cycle, w * (1.0, 0.7, 0.6, 0.5)[t], True))
    rows += [
        ("Mineral Sunscreen SPF 50 - 50ml", "KS-SPF50", "Kindred Skin", "skincare",
         2600, 0, 40.0, 1.5, True),
        ("Tinted Sunscreen SPF 30 - 40ml", "KS-SPF30T", "Kindred Skin", "skincare",
         2800, 0, 42.0, 0.5, True),
        ("Vitamin C Serum 30ml", "KS-VITC", "Kindred Skin", "skincare", 3600, 4200, 38.0, 1.0,
         True),
        ("Niacinamide Serum 30ml", "KS-NIAC", "Kindred Skin", "skincare", 2900, 0, 40.0, 0.9,
         True),
        ("Hyaluronic Acid Serum 30ml", "KS-HYAL", "Kindred Skin", "skincare", 3100, 0, 42.0,
         0.7, True),
        ("Eye Cream 15ml", "KS-EYE", "Kindred Skin", "skincare", 3400, 0, 60.0, 0.5, True),
        ("Micellar Water 400ml", "KS-MICEL", "Kindred Skin", "skincare", 1800, 0, 45.0, 0.6,
         True),
        ("Exfoliating Pads (50)", "KS-PADS", "Kindred Skin", "skincare", 2500, 0, 50.0, 0.5,
         True),
        ("Clay Mask 75ml", "KS-CLAY", "Kindred Skin", "skincare", 2700, 0, 65.0, 0.4, True),
    ]
    for scent in ("Unscented", "Lavender", "Citrus"):
        rows.append((f"Body Lotion 250ml - {scent}", f"KS-BODY-{scent[:3].upper()}",
                     "Kindred Skin", "skincare", 1900, 0, 35.0, 0.4, True))
        rows.append((f"Hand Cream 75ml - {scent}", f"KS-HAND-{scent[:3].upper()}",
                     "Kindred Skin", "skincare", 1200, 0, 32.0, 0.3, True))
    for flavour in ("Mint", "Vanilla", "Unscented"):
        rows.append((f"Lip Balm SPF 15 - {flavour}", f"KS-LIP-{flavour[:3].upper()}",
                     "Kindred Skin", "skincare", 600, 0, 30.0, 0.4, True))
    durable = [
        ("Jade Facial Roller", "KS-JADE", 2800, 0.4),
        ("Bamboo Spa Headband", "KS-HEADBAND", 1200, 0.3),
        ("Toiletry Travel Kit", "KS-TRAVELKIT", 2200, 0.3),
        ("Mulberry Silk Pillowcase - Ivory", "KS-SILK-IVO", 5400, 0.25),
        ("Mulberry Silk Pillowcase - Blush", "KS-SILK-BLU", 5400, 0.2),
        ("Mulberry Silk Pillowcase - Slate", "KS-SILK-SLA", 5400, 0.2),
        ("LED Makeup Mirror", "KS-MIRROR", 4500, 0.2),
    ]
    for name, sku, price, w in durable:
        rows.append((name, sku, "Kindred Skin", "skincare", price, 0, 0.0, w, True))
    return rows


def _pet() -> list[_Row]:
    rows: list[_Row] = []
    kibble = [
        ("Grain-Free Kibble Chicken", "GB-KIB-CHK", 1900, 1.6),
        ("Grain-Free Kibble Salmon", "GB-KIB-SAL", 2100, 0.9),
        ("Lamb & Rice Kibble", "GB-KIB-LMB", 1800, 0.7),
        ("Puppy Kibble", "GB-KIB-PUP", 2000, 0.6),
        ("Senior Kibble", "GB-KIB-SEN", 2000, 0.4),
    ]
    for name, sku, price, w in kibble:
        for size, mult, cycle, sw in (("2kg", 1.0, 18.0, 0.8), ("6kg", 2.6, 44.0, 1.0),
                                       ("12kg", 4.6, 80.0, 0.45)):
            rows.append((f"{name} - {size}", f"{sku}-{size.upper()}", "Good Boy Supply", "pet",
                         int(price * mult) // 50 * 50 - 1, 0, cycle, w * sw, True))
    rows += [
        ("Tuna Pate Cat Food 12 x 85g", "GB-CAT-TUNA", "Good Boy Supply", "pet", 1650, 0, 12.0,
         1.0, True),
        ("Chicken Cat Kibble 1.5kg", "GB-CAT-KIB", "Good Boy Supply", "pet", 1700, 0, 27.0, 0.8,
         True),
        ("Clumping Cat Litter 10L", "GB-LITTER", "Good Boy Supply", "pet", 1400, 0, 21.0, 1.2,
         True),
        ("Dental Chews (30)", "GB-DENTAL", "Good Boy Supply", "pet", 1800, 0, 30.0, 1.0, True),
        ("Liver Training Treats 200g", "GB-TREAT-LIV", "Good Boy Supply", "pet", 900, 0, 17.0,
         0.9, True),
        ("Salmon Skin Chews 150g", "GB-TREAT-SAL", "Good Boy Supply", "pet", 1100, 0, 20.0,
         0.5, True),
        ("Compostable Poop Bags (120)", "GB-BAGS", "Good Boy Supply", "pet", 1300, 0, 45.0, 0.7,
         True),
        ("Flea & Tick Drops (3 doses)", "GB-FLEA", "Good Boy Supply", "pet", 3900, 4500, 85.0,
         0.4, True),
        ("Oatmeal Dog Shampoo 500ml", "GB-SHAMPOO", "Good Boy Supply", "pet", 1500, 0, 60.0,
         0.3, True),
    ]
    for size, price in (("S", 4900), ("M", 6900), ("L", 8900)):
        rows.append((f"Orthopedic Dog Bed - {size}", f"GB-BED-{size}", "Good Boy Supply", "pet",
                     price, 0, 0.0, 0.25, True))
        rows.append((f"Stainless Steel Bowl - {size}", f"GB-BOWL-{size}", "Good Boy Supply",
                     "pet", 900 + 300 * "SML".index(size), 0, 0.0, 0.25, True))
        for colour in ("Forest", "Navy", "Coral"):
            rows.append((f"Waxed Canvas Collar - {colour} / {size}",
                         f"GB-COL-{colour[:3].upper()}-{size}", "Good Boy Supply", "pet",
                         2200, 0, 0.0, 0.12, True))
    for colour in ("Forest", "Navy", "Coral"):
        rows.append((f"Rope Leash 1.8m - {colour}", f"GB-LEASH-{colour[:3].upper()}",
                     "Good Boy Supply", "pet", 2600, 0, 0.0, 0.2, True))
    durable = [
        ("Rope Tug Toy", "GB-TOY-ROPE", 1100, 0.5),
        ("Squeaky Fox Plush", "GB-TOY-FOX", 1300, 0.4),
        ("Treat Puzzle Feeder", "GB-TOY-PUZZLE", 2400, 0.3),
        ("Cardboard Cat Scratcher", "GB-CAT-SCRATCH", 1900, 0.4),
        ("Feather Wand Cat Toy", "GB-CAT-WAND", 800, 0.4),
        ("Travel Water Bottle for Dogs", "GB-BOTTLE", 1600, 0.3),
        ("Reflective Dog Raincoat - M", "GB-COAT-M", 3900, 0.2),
    ]
    for name, sku, price, w in durable:
        rows.append((name, sku, "Good Boy Supply", "pet", price, 0, 0.0, w, True))
    return rows


def _gifts() -> list[_Row]:
    # Sold without SKUs, as many small shops do: their product key is the name.
    return [
        ("Gift Card - $25", "", "Daybreak & Hound", "gifts", 2500, 0, 0.0, 0.5, False),
        ("Gift Card - $50", "", "Daybreak & Hound", "gifts", 5000, 0, 0.0, 0.35, False),
        ("Gift Card - $100", "", "Daybreak & Hound", "gifts", 10000, 0, 0.0, 0.15, False),
        ("Gift Wrap", "", "Daybreak & Hound", "gifts", 500, 0, 0.0, 0.8, True),
        ("Canvas Tote Bag - Natural", "", "Daybreak & Hound", "gifts", 1800, 0, 0.0, 0.4, True),
        ("Greeting Card", "", "Daybreak & Hound", "gifts", 450, 0, 0.0, 0.4, True),
    ]


def build_catalog() -> Catalog:
    rows = _coffee() + _skincare() + _pet() + _gifts()
    cols = list(zip(*rows, strict=True))
    return Catalog(
        name=np.array(cols[0], dtype=object),
        sku=np.array(cols[1], dtype=object),
        vendor=np.array(cols[2], dtype=object),
        category=np.array([CATEGORIES.index(c) for c in cols[3]], dtype=np.int64),
        price_cents=np.array(cols[4], dtype=np.int64),
        compare_cents=np.array(cols[5], dtype=np.int64),
        cycle_days=np.array(cols[6], dtype=np.float64),
        weight=np.array(cols[7], dtype=np.float64),
        requires_shipping=np.array(cols[8], dtype=bool),
    )


# Planted "bought together" pairs: (product A name, product B name, P(B added | A in basket)).
PLANTED_PAIRS: tuple[tuple[str, str, float], ...] = (
    ("Daily Moisturizer 50ml - Normal", "Mineral Sunscreen SPF 50 - 50ml", 0.55),
    ("Pour-Over Dripper V60 - Ceramic White", "Paper Filters V60 02 (100 pack)", 0.6),
    ("Grain-Free Kibble Chicken - 6kg", "Dental Chews (30)", 0.45),
    ("Gentle Foaming Cleanser 150ml - Oily", "Niacinamide Serum 30ml", 0.5),
    ("Clumping Cat Litter 10L", "Tuna Pate Cat Food 12 x 85g", 0.45),
    ("AeroPress Coffee Maker", "House Espresso Coffee Beans - 250g / Espresso", 0.4),
)

FIRST_NAMES = (
    "Olivia", "Liam", "Emma", "Noah", "Ava", "Oliver", "Sophia", "Elijah", "Isabella", "James",
    "Mia", "William", "Amelia", "Benjamin", "Harper", "Lucas", "Evelyn", "Henry", "Abigail",
    "Theodore", "Emily", "Jack", "Ella", "Levi", "Elizabeth", "Alexander", "Camila", "Jackson",
    "Luna", "Mateo", "Sofia", "Daniel", "Avery", "Michael", "Mila", "Mason", "Aria", "Sebastian",
    "Scarlett", "Ethan", "Penelope", "Logan", "Layla", "Owen", "Chloe", "Samuel", "Victoria",
    "Jacob", "Madison", "Asher", "Eleanor", "Aiden", "Grace", "John", "Nora", "Joseph", "Riley",
    "Wyatt", "Zoey", "David", "Hannah", "Leo", "Hazel", "Luke", "Lily", "Julian", "Ellie",
    "Hudson", "Violet", "Grayson", "Lillian", "Matthew", "Zoe", "Ezra", "Stella", "Gabriel",
    "Aurora", "Carter", "Natalie", "Isaac", "Emilia", "Jayden", "Everly", "Maya", "Priya", "Wei",
    "Fatima", "Diego", "Yusuf", "Aisha", "Kenji", "Ingrid", "Tomasz", "Chiara", "Rafael",
)
LAST_NAMES = (
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez",
    "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor",
    "Moore", "Jackson", "Martin", "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez",
    "Clark", "Ramirez", "Lewis", "Robinson", "Walker", "Young", "Allen", "King", "Wright", "Scott",
    "Torres", "Nguyen", "Hill", "Flores", "Green", "Adams", "Nelson", "Baker", "Hall", "Rivera",
    "Campbell", "Mitchell", "Carter", "Roberts", "Kim", "Patel", "Chen", "Okafor", "Novak",
    "Rossi", "Schmidt", "Larsen", "Costa",
)
# (city, province code, province name, zip prefix)
CITIES = (
    ("Brooklyn", "NY", "New York", "112"), ("Rochester", "NY", "New York", "146"),
    ("Hoboken", "NJ", "New Jersey", "070"), ("Boston", "MA", "Massachusetts", "021"),
    ("Philadelphia", "PA", "Pennsylvania", "191"), ("Pittsburgh", "PA", "Pennsylvania", "152"),
    ("Baltimore", "MD", "Maryland", "212"), ("Arlington", "VA", "Virginia", "222"),
    ("Raleigh", "NC", "North Carolina", "276"), ("Atlanta", "GA", "Georgia", "303"),
    ("Miami", "FL", "Florida", "331"), ("Orlando", "FL", "Florida", "328"),
    ("Chicago", "IL", "Illinois", "606"), ("Madison", "WI", "Wisconsin", "537"),
    ("Minneapolis", "MN", "Minnesota", "554"), ("Columbus", "OH", "Ohio", "432"),
    ("Detroit", "MI", "Michigan", "482"), ("Austin", "TX", "Texas", "787"),
    ("Houston", "TX", "Texas", "770"), ("Denver", "CO", "Colorado", "802"),
    ("Phoenix", "AZ", "Arizona", "850"), ("Seattle", "WA", "Washington", "981"),
    ("Portland", "OR", "Oregon", "972"), ("Oakland", "CA", "California", "946"),
    ("San Diego", "CA", "California", "921"), ("Los Angeles", "CA", "California", "900"),
    ("Burlington", "VT", "Vermont", "054"), ("Portland", "ME", "Maine", "041"),
)
STREETS = (
    "Maple Ave", "Oak St", "Cedar Ln", "Elm St", "Park Pl", "Pine St", "Washington St",
    "Lake Dr", "Hillside Rd", "Sunset Blvd", "River Rd", "Chestnut St", "Walnut St", "2nd Ave",
    "Highland Ave", "Prospect St", "Spring St", "Willow Way",
)
DISCOUNT_CODES = ("WELCOME10", "SPRING15", "FREESHIP", "BEANS20", "PETPALS10", "GLOW15")
GIFT_NOTES = (
    "Happy birthday!\nLove, Sam",
    "Please leave the parcel with the doorman.",
    "It's a gift - please don't include the receipt.",
    "Congrats on the new puppy!\nFrom all of us at the office",
    "Merry Christmas, Mum & Dad\nxx",
    "Ring the side door bell, thanks",
)
