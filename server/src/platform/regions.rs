//! What people write as a Durable Object `locationHint`, mapped to the hints they mean: cloud
//! region and zone ids (AWS, Google Cloud, Azure), jurisdiction names, and words for places
//! (`us-east`, `europe`, `tokyo`). Read by `invalid-location-hint`'s fix.
//!
//! Each entry lists its hints most likely first. A place between two hints (Frankfurt, Iowa,
//! Hong Kong) lists both; a place in Northeast or Southeast Asia lists its sub-region first and
//! `apac` second, as Cloudflare's docs advise `apac` for general Asia-Pacific placement.

/// The region a hint names (`enam` → `Eastern North America`).
pub fn description(hint: &str) -> Option<&'static str> {
    super::describe(crate::platform::LOCATION_HINTS, hint)
}

/// A cloud provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cloud {
    Aws,
    Gcp,
    Azure,
}

impl Cloud {
    /// The provider's name, with its article (`an AWS`).
    pub fn with_article(self) -> &'static str {
        match self {
            Cloud::Aws => "an AWS",
            Cloud::Gcp => "a Google Cloud",
            Cloud::Azure => "an Azure",
        }
    }
}

/// What kind of thing was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A valid hint in another case, or with `_` or spaces (`WNAM`, `apac_ne`).
    Spelling,
    /// A cloud region (`zone: false`) or zone (`us-east-1a`, `us-central1-b`) and its place.
    Region { cloud: Cloud, zone: bool, place: &'static str },
    /// A jurisdiction name (`eu`, `us`, `fedramp`): jurisdictions are set on the namespace.
    Jurisdiction,
    /// A word or a region-shaped name for a place (`europe`, `tokyo`, `us-east`, `eu-west-9`).
    Place,
    /// A word asking for no particular place (`auto`, `global`): that is no hint at all.
    Anywhere,
    /// Close to a hint by edit distance (`weu`, `apac-nw`).
    Typo,
}

/// What a value means as a location hint: what it is and the hints it may stand for, most
/// likely first (none for [`Kind::Anywhere`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    pub kind: Kind,
    pub hints: Vec<&'static str>,
}

// Hint lists, most likely first.
const ENAM: &[&str] = &["enam"];
const WNAM: &[&str] = &["wnam"];
/// Somewhere in North America: most US and Canadian traffic and regions are in the east.
const NAM: &[&str] = &["enam", "wnam"];
const AMERICAS: &[&str] = &["enam", "wnam", "sam"];
const SAM: &[&str] = &["sam"];
const WEUR: &[&str] = &["weur"];
const EEUR: &[&str] = &["eeur"];
/// Europe, or a place between west and east leaning west (Germany, Norway, Denmark).
const EUR: &[&str] = &["weur", "eeur"];
/// A place between west and east leaning east (Sweden, Finland, Austria).
const EUR_EAST: &[&str] = &["eeur", "weur"];
const EMEA: &[&str] = &["weur", "eeur", "me", "afr"];
/// Asia as a whole, or a place between its north-east and south-east (Hong Kong, China).
const ASIA: &[&str] = &["apac", "apac-ne", "apac-se"];
const APAC: &[&str] = &["apac"];
const APAC_NE: &[&str] = &["apac-ne", "apac"];
const APAC_SE: &[&str] = &["apac-se", "apac"];
const OC: &[&str] = &["oc"];
const AFR: &[&str] = &["afr"];
const AFR_ME: &[&str] = &["afr", "me"];
const ME: &[&str] = &["me"];
const ME_AFR: &[&str] = &["me", "afr"];

/// AWS regions (<https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-regions.html>).
const AWS: &[(&str, &str, &[&str])] = &[
    ("us-east-1", "N. Virginia", ENAM),
    ("us-east-2", "Ohio", ENAM),
    ("us-west-1", "N. California", WNAM),
    ("us-west-2", "Oregon", WNAM),
    ("us-gov-east-1", "GovCloud US-East", ENAM),
    ("us-gov-west-1", "GovCloud US-West", WNAM),
    ("ca-central-1", "Montreal", ENAM),
    ("ca-west-1", "Calgary", WNAM),
    ("mx-central-1", "Mexico", NAM),
    ("sa-east-1", "São Paulo", SAM),
    ("eu-west-1", "Ireland", WEUR),
    ("eu-west-2", "London", WEUR),
    ("eu-west-3", "Paris", WEUR),
    ("eu-central-1", "Frankfurt", EUR),
    ("eu-central-2", "Zurich", WEUR),
    ("eu-south-1", "Milan", WEUR),
    ("eu-south-2", "Spain", WEUR),
    ("eu-north-1", "Stockholm", EUR_EAST),
    ("il-central-1", "Tel Aviv", ME),
    ("me-south-1", "Bahrain", ME),
    ("me-central-1", "UAE", ME),
    ("af-south-1", "Cape Town", AFR),
    ("ap-east-1", "Hong Kong", ASIA),
    ("ap-east-2", "Taipei", APAC_NE),
    ("ap-northeast-1", "Tokyo", APAC_NE),
    ("ap-northeast-2", "Seoul", APAC_NE),
    ("ap-northeast-3", "Osaka", APAC_NE),
    ("ap-southeast-1", "Singapore", APAC_SE),
    ("ap-southeast-2", "Sydney", OC),
    ("ap-southeast-3", "Jakarta", APAC_SE),
    ("ap-southeast-4", "Melbourne", OC),
    ("ap-southeast-5", "Malaysia", APAC_SE),
    ("ap-southeast-6", "New Zealand", OC),
    ("ap-southeast-7", "Thailand", APAC_SE),
    ("ap-south-1", "Mumbai", APAC),
    ("ap-south-2", "Hyderabad", APAC),
    ("cn-north-1", "Beijing", ASIA),
    ("cn-northwest-1", "Ningxia", ASIA),
];

/// Google Cloud regions (<https://cloud.google.com/compute/docs/regions-zones>).
const GCP: &[(&str, &str, &[&str])] = &[
    ("us-central1", "Iowa", NAM),
    ("us-east1", "South Carolina", ENAM),
    ("us-east4", "N. Virginia", ENAM),
    ("us-east5", "Columbus", ENAM),
    ("us-south1", "Dallas", NAM),
    ("us-west1", "Oregon", WNAM),
    ("us-west2", "Los Angeles", WNAM),
    ("us-west3", "Salt Lake City", WNAM),
    ("us-west4", "Las Vegas", WNAM),
    ("northamerica-northeast1", "Montréal", ENAM),
    ("northamerica-northeast2", "Toronto", ENAM),
    ("northamerica-south1", "Querétaro", NAM),
    ("southamerica-east1", "São Paulo", SAM),
    ("southamerica-west1", "Santiago", SAM),
    ("europe-west1", "Belgium", WEUR),
    ("europe-west2", "London", WEUR),
    ("europe-west3", "Frankfurt", EUR),
    ("europe-west4", "Netherlands", WEUR),
    ("europe-west6", "Zurich", WEUR),
    ("europe-west8", "Milan", WEUR),
    ("europe-west9", "Paris", WEUR),
    ("europe-west10", "Berlin", EUR),
    ("europe-west12", "Turin", WEUR),
    ("europe-southwest1", "Madrid", WEUR),
    ("europe-central2", "Warsaw", EEUR),
    ("europe-north1", "Finland", EUR_EAST),
    ("europe-north2", "Stockholm", EUR_EAST),
    ("me-west1", "Tel Aviv", ME),
    ("me-central1", "Doha", ME),
    ("me-central2", "Dammam", ME),
    ("africa-south1", "Johannesburg", AFR),
    ("asia-east1", "Taiwan", APAC_NE),
    ("asia-east2", "Hong Kong", ASIA),
    ("asia-northeast1", "Tokyo", APAC_NE),
    ("asia-northeast2", "Osaka", APAC_NE),
    ("asia-northeast3", "Seoul", APAC_NE),
    ("asia-south1", "Mumbai", APAC),
    ("asia-south2", "Delhi", APAC),
    ("asia-southeast1", "Singapore", APAC_SE),
    ("asia-southeast2", "Jakarta", APAC_SE),
    ("australia-southeast1", "Sydney", OC),
    ("australia-southeast2", "Melbourne", OC),
];

/// Azure regions, by programmatic name (<https://learn.microsoft.com/azure/reliability/regions-list>).
const AZURE: &[(&str, &str, &[&str])] = &[
    ("eastus", "Virginia", ENAM),
    ("eastus2", "Virginia", ENAM),
    ("northcentralus", "Illinois", ENAM),
    ("centralus", "Iowa", NAM),
    ("southcentralus", "Texas", NAM),
    ("westcentralus", "Wyoming", WNAM),
    ("westus", "California", WNAM),
    ("westus2", "Washington", WNAM),
    ("westus3", "Arizona", WNAM),
    ("canadacentral", "Toronto", ENAM),
    ("canadaeast", "Quebec City", ENAM),
    ("mexicocentral", "Querétaro", NAM),
    ("brazilsouth", "São Paulo", SAM),
    ("brazilsoutheast", "Rio de Janeiro", SAM),
    ("chilecentral", "Santiago", SAM),
    ("northeurope", "Ireland", WEUR),
    ("westeurope", "Netherlands", WEUR),
    ("uksouth", "London", WEUR),
    ("ukwest", "Cardiff", WEUR),
    ("francecentral", "Paris", WEUR),
    ("francesouth", "Marseille", WEUR),
    ("germanywestcentral", "Frankfurt", EUR),
    ("germanynorth", "Berlin", EUR),
    ("switzerlandnorth", "Zurich", WEUR),
    ("switzerlandwest", "Geneva", WEUR),
    ("italynorth", "Milan", WEUR),
    ("spaincentral", "Madrid", WEUR),
    ("norwayeast", "Oslo", EUR),
    ("norwaywest", "Stavanger", WEUR),
    ("swedencentral", "Gävle", EUR_EAST),
    ("polandcentral", "Warsaw", EEUR),
    ("austriaeast", "Vienna", EUR_EAST),
    ("israelcentral", "Israel", ME),
    ("qatarcentral", "Doha", ME),
    ("uaenorth", "Dubai", ME),
    ("uaecentral", "Abu Dhabi", ME),
    ("southafricanorth", "Johannesburg", AFR),
    ("southafricawest", "Cape Town", AFR),
    ("eastasia", "Hong Kong", ASIA),
    ("southeastasia", "Singapore", APAC_SE),
    ("japaneast", "Tokyo", APAC_NE),
    ("japanwest", "Osaka", APAC_NE),
    ("koreacentral", "Seoul", APAC_NE),
    ("koreasouth", "Busan", APAC_NE),
    ("centralindia", "Pune", APAC),
    ("southindia", "Chennai", APAC),
    ("westindia", "Mumbai", APAC),
    ("indonesiacentral", "Jakarta", APAC_SE),
    ("malaysiawest", "Kuala Lumpur", APAC_SE),
    ("australiaeast", "New South Wales", OC),
    ("australiasoutheast", "Victoria", OC),
    ("australiacentral", "Canberra", OC),
    ("australiacentral2", "Canberra", OC),
    ("newzealandnorth", "Auckland", OC),
];

/// The jurisdictions of Durable Objects, with the hints in their area.
const JURISDICTIONS: &[(&str, &[&str])] = &[("eu", EUR), ("us", NAM), ("fedramp", NAM), ("fedramp-high", NAM)];

/// Words for places, and the region ids of the clouds without their number (`eu-west`,
/// `asia-northeast`), normalized (lower case, words joined by `-`); matched whatever the
/// separators.
const PLACES: &[(&[&str], &[&str])] = &[
    (&["usa", "united-states", "america", "north-america", "nam", "us-central", "central-us"], NAM),
    (&["canada", "mexico", "mexico-city", "texas", "dallas", "houston", "mx-central", "northamerica-south"], NAM),
    (&["americas"], AMERICAS),
    (
        &[
            "us-east",
            "east-us",
            "east-coast",
            "us-east-coast",
            "eastern-us",
            "eastern-north-america",
            "virginia",
            "ashburn",
            "new-york",
            "nyc",
            "ohio",
            "chicago",
            "atlanta",
            "miami",
            "boston",
            "toronto",
            "montreal",
            "us-gov-east",
            "ca-central",
            "northamerica-northeast",
        ],
        ENAM,
    ),
    (
        &[
            "us-west",
            "west-us",
            "west-coast",
            "us-west-coast",
            "western-us",
            "western-north-america",
            "california",
            "oregon",
            "seattle",
            "san-francisco",
            "bay-area",
            "silicon-valley",
            "san-jose",
            "los-angeles",
            "vancouver",
            "las-vegas",
            "phoenix",
            "denver",
            "salt-lake-city",
            "us-gov-west",
            "ca-west",
        ],
        WNAM,
    ),
    (
        &[
            "south-america",
            "latam",
            "latin-america",
            "brazil",
            "sao-paulo",
            "são-paulo",
            "rio-de-janeiro",
            "argentina",
            "buenos-aires",
            "chile",
            "santiago",
            "colombia",
            "bogota",
            "peru",
            "lima",
            "sa-east",
            "southamerica-east",
            "southamerica-west",
        ],
        SAM,
    ),
    (
        &[
            "europe",
            "eur",
            "european-union",
            "eu-central",
            "central-europe",
            "germany",
            "frankfurt",
            "berlin",
            "munich",
            "north-europe",
            "northern-europe",
            "nordics",
            "scandinavia",
            "norway",
            "oslo",
            "denmark",
            "copenhagen",
        ],
        EUR,
    ),
    (&["emea"], EMEA),
    (
        &[
            "western-europe",
            "west-europe",
            "eu-west",
            "europe-west",
            "uk",
            "united-kingdom",
            "gb",
            "great-britain",
            "britain",
            "england",
            "london",
            "ireland",
            "dublin",
            "france",
            "paris",
            "marseille",
            "netherlands",
            "holland",
            "amsterdam",
            "belgium",
            "brussels",
            "luxembourg",
            "spain",
            "madrid",
            "portugal",
            "lisbon",
            "italy",
            "milan",
            "rome",
            "switzerland",
            "zurich",
            "geneva",
            "eu-south",
            "europe-southwest",
        ],
        WEUR,
    ),
    (
        &[
            "eastern-europe",
            "east-europe",
            "eu-east",
            "europe-east",
            "europe-central",
            "poland",
            "warsaw",
            "czechia",
            "czech-republic",
            "prague",
            "hungary",
            "budapest",
            "romania",
            "bucharest",
            "bulgaria",
            "sofia",
            "ukraine",
            "kyiv",
            "kiev",
            "greece",
            "athens",
            "turkey",
            "istanbul",
            "serbia",
            "belgrade",
            "baltics",
            "lithuania",
            "latvia",
            "estonia",
            "russia",
            "moscow",
        ],
        EEUR,
    ),
    (&["sweden", "stockholm", "finland", "helsinki", "austria", "vienna", "eu-north", "europe-north"], EUR_EAST),
    (
        &[
            "asia",
            "asia-pacific",
            "ap",
            "apj",
            "hong-kong",
            "hk",
            "china",
            "beijing",
            "shanghai",
            "ap-east",
            "asia-east",
            "cn-north",
            "cn-northwest",
        ],
        ASIA,
    ),
    (
        &[
            "northeast-asia",
            "east-asia",
            "asia-northeast",
            "ap-northeast",
            "japan",
            "jp",
            "tokyo",
            "osaka",
            "korea",
            "south-korea",
            "seoul",
            "busan",
            "taiwan",
            "taipei",
        ],
        APAC_NE,
    ),
    (
        &[
            "southeast-asia",
            "asia-southeast",
            "ap-southeast",
            "singapore",
            "sg",
            "malaysia",
            "kuala-lumpur",
            "indonesia",
            "jakarta",
            "thailand",
            "bangkok",
            "vietnam",
            "hanoi",
            "philippines",
            "manila",
        ],
        APAC_SE,
    ),
    (
        &[
            "india",
            "mumbai",
            "bombay",
            "delhi",
            "new-delhi",
            "bangalore",
            "bengaluru",
            "chennai",
            "hyderabad",
            "pune",
            "south-asia",
            "asia-south",
            "ap-south",
        ],
        APAC,
    ),
    (
        &[
            "oceania",
            "australia",
            "au",
            "aus",
            "anz",
            "sydney",
            "melbourne",
            "brisbane",
            "perth",
            "canberra",
            "new-zealand",
            "nz",
            "auckland",
            "australia-southeast",
        ],
        OC,
    ),
    (
        &[
            "africa",
            "south-africa",
            "cape-town",
            "johannesburg",
            "lagos",
            "nigeria",
            "kenya",
            "nairobi",
            "ghana",
            "accra",
            "af-south",
            "africa-south",
        ],
        AFR,
    ),
    (&["egypt", "cairo"], AFR_ME),
    (&["mena"], ME_AFR),
    (
        &[
            "middle-east",
            "mideast",
            "gulf",
            "uae",
            "dubai",
            "abu-dhabi",
            "saudi-arabia",
            "saudi",
            "riyadh",
            "bahrain",
            "qatar",
            "doha",
            "kuwait",
            "oman",
            "israel",
            "tel-aviv",
            "me-south",
            "me-central",
            "me-west",
            "il-central",
        ],
        ME,
    ),
];

/// Words asking for no place in particular.
const ANYWHERE: &[&str] = &[
    "auto",
    "automatic",
    "any",
    "anywhere",
    "default",
    "global",
    "world",
    "worldwide",
    "none",
    "nearest",
    "closest",
    "local",
];

/// Lower case, trimmed, words joined by single `-` (`US_East 1` → `us-east-1`).
fn normalize(value: &str) -> String {
    let lower = value.trim().to_lowercase();
    let mut out = String::with_capacity(lower.len());
    for c in lower.chars() {
        let c = if matches!(c, '_' | ' ' | '.' | '/' | '\t') { '-' } else { c };
        if c == '-' && (out.is_empty() || out.ends_with('-')) {
            continue;
        }
        out.push(c);
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

/// Without separators (`us-east` → `useast`).
fn squash(key: &str) -> String {
    key.chars().filter(|&c| c != '-').collect()
}

/// A zone id without its zone letter: `us-east-1a` → `us-east-1`, `us-central1-b` →
/// `us-central1`.
fn zone_region(key: &str) -> Option<&str> {
    let rest = key.strip_suffix(|c: char| c.is_ascii_lowercase())?;
    let rest = rest.strip_suffix('-').unwrap_or(rest);
    rest.ends_with(|c: char| c.is_ascii_digit()).then_some(rest)
}

/// A region-shaped key without its number (and zone letter): `eu-west-9` → `eu-west`,
/// `europe-west7-b` → `europe-west`.
fn without_number(key: &str) -> Option<&str> {
    let key = zone_region(key).unwrap_or(key);
    let stripped = key.trim_end_matches(|c: char| c.is_ascii_digit());
    (stripped.len() < key.len()).then(|| stripped.trim_end_matches('-')).filter(|s| !s.is_empty())
}

fn region(
    table: &[(&str, &'static str, &'static [&'static str])],
    key: &str,
) -> Option<(&'static str, Vec<&'static str>)> {
    table.iter().find(|(id, _, _)| *id == key).map(|(_, place, hints)| (*place, hints.to_vec()))
}

fn place(key: &str) -> Option<Vec<&'static str>> {
    let squashed = squash(key);
    PLACES.iter().find(|(words, _)| words.iter().any(|w| squash(w) == squashed)).map(|(_, hints)| hints.to_vec())
}

/// What `value`, which is not a valid hint, means as one; `None` when nothing comes close.
pub fn suggest(value: &str) -> Option<Suggestion> {
    let key = normalize(value);
    let found = |kind, hints: Vec<&'static str>| Some(Suggestion { kind, hints });
    if key.is_empty() {
        return None;
    }
    if let Some((hint, _)) =
        crate::platform::LOCATION_HINTS.iter().find(|(h, _)| *h == key || squash(h) == squash(&key))
    {
        return found(Kind::Spelling, vec![*hint]);
    }
    for (cloud, table) in [(Cloud::Aws, AWS), (Cloud::Gcp, GCP)] {
        if let Some((place, hints)) = region(table, &key) {
            return found(Kind::Region { cloud, zone: false, place }, hints);
        }
        if let Some((place, hints)) = zone_region(&key).and_then(|r| region(table, r)) {
            return found(Kind::Region { cloud, zone: true, place }, hints);
        }
    }
    let azure = |key: &str| {
        region(AZURE, key).map(|(place, hints)| (Kind::Region { cloud: Cloud::Azure, zone: false, place }, hints))
    };
    // Azure's own ids first (`northeurope` is Ireland); its display names (`Japan East`) after
    // the words (`north-europe` is wider than Ireland).
    if let Some((kind, hints)) = azure(&key) {
        return found(kind, hints);
    }
    if let Some((_, hints)) = JURISDICTIONS.iter().find(|(j, _)| *j == key) {
        return found(Kind::Jurisdiction, hints.to_vec());
    }
    if let Some(hints) = place(&key) {
        return found(Kind::Place, hints);
    }
    if let Some((kind, hints)) = azure(&squash(&key)) {
        return found(kind, hints);
    }
    if let Some(hints) = without_number(&key).and_then(place) {
        return found(Kind::Place, hints);
    }
    if ANYWHERE.contains(&key.as_str()) {
        return found(Kind::Anywhere, Vec::new());
    }
    crate::text::words::closest(&key, crate::platform::LOCATION_HINTS.iter().map(|(h, _)| *h))
        .map(|near| Suggestion { kind: Kind::Typo, hints: vec![near] })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hints(value: &str) -> Vec<&'static str> {
        suggest(value).map(|s| s.hints).unwrap_or_default()
    }

    fn kind(value: &str) -> Option<Kind> {
        suggest(value).map(|s| s.kind)
    }

    #[test]
    fn aws_regions_and_zones() {
        assert_eq!(hints("us-east-1"), ["enam"]);
        assert_eq!(hints("us-west-2"), ["wnam"]);
        assert_eq!(hints("eu-west-2"), ["weur"]);
        assert_eq!(hints("eu-central-1"), ["weur", "eeur"]);
        assert_eq!(hints("ap-northeast-1"), ["apac-ne", "apac"]);
        assert_eq!(hints("ap-southeast-1"), ["apac-se", "apac"]);
        assert_eq!(hints("ap-southeast-2"), ["oc"]);
        assert_eq!(hints("sa-east-1"), ["sam"]);
        assert_eq!(hints("me-south-1"), ["me"]);
        assert_eq!(hints("af-south-1"), ["afr"]);
        assert_eq!(kind("us-east-1"), Some(Kind::Region { cloud: Cloud::Aws, zone: false, place: "N. Virginia" }));
        assert_eq!(kind("US_EAST_1"), kind("us-east-1"));
        assert_eq!(kind("us-east-1a"), Some(Kind::Region { cloud: Cloud::Aws, zone: true, place: "N. Virginia" }));
        assert_eq!(hints("us-east-1a"), ["enam"]);
    }

    #[test]
    fn gcp_regions_and_zones() {
        assert_eq!(hints("us-central1"), ["enam", "wnam"]);
        assert_eq!(hints("us-east1"), ["enam"]);
        assert_eq!(hints("europe-west1"), ["weur"]);
        assert_eq!(hints("europe-central2"), ["eeur"]);
        assert_eq!(hints("asia-northeast1"), ["apac-ne", "apac"]);
        assert_eq!(hints("australia-southeast1"), ["oc"]);
        assert_eq!(hints("southamerica-east1"), ["sam"]);
        assert_eq!(kind("us-central1"), Some(Kind::Region { cloud: Cloud::Gcp, zone: false, place: "Iowa" }));
        assert_eq!(kind("us-central1-b"), Some(Kind::Region { cloud: Cloud::Gcp, zone: true, place: "Iowa" }));
    }

    #[test]
    fn azure_regions_by_id_and_display_name() {
        assert_eq!(hints("eastus"), ["enam"]);
        assert_eq!(hints("westeurope"), ["weur"]);
        assert_eq!(hints("japaneast"), ["apac-ne", "apac"]);
        assert_eq!(hints("australiaeast"), ["oc"]);
        assert_eq!(kind("Japan East"), Some(Kind::Region { cloud: Cloud::Azure, zone: false, place: "Tokyo" }));
        assert_eq!(kind("West Europe"), Some(Kind::Place));
        // Azure's `northeurope` is Ireland; the words name a wider place.
        assert_eq!(kind("northeurope"), Some(Kind::Region { cloud: Cloud::Azure, zone: false, place: "Ireland" }));
        assert_eq!(kind("north-europe"), Some(Kind::Place));
        assert_eq!(hints("north-europe"), ["weur", "eeur"]);
    }

    #[test]
    fn words_for_places() {
        for (word, expected) in [
            ("us-east", &["enam"][..]),
            ("us_west", &["wnam"]),
            ("europe", &["weur", "eeur"]),
            ("tokyo", &["apac-ne", "apac"]),
            ("singapore", &["apac-se", "apac"]),
            ("sydney", &["oc"]),
            ("Australia", &["oc"]),
            ("india", &["apac"]),
            ("brazil", &["sam"]),
            ("africa", &["afr"]),
            ("middle-east", &["me"]),
            ("Middle East", &["me"]),
            ("middle_east", &["me"]),
        ] {
            assert_eq!(hints(word), expected, "{word}");
            assert_eq!(kind(word), Some(Kind::Place), "{word}");
        }
        // A region-shaped name with a number no cloud uses is still a place.
        assert_eq!(hints("eu-west-9"), ["weur"]);
        assert_eq!(kind("eu-west-9"), Some(Kind::Place));
        assert_eq!(hints("asia-southeast9-c"), ["apac-se", "apac"]);
    }

    #[test]
    fn ambiguous_words_list_each_hint() {
        assert_eq!(hints("us"), ["enam", "wnam"]);
        assert_eq!(hints("america"), ["enam", "wnam"]);
        assert_eq!(hints("asia"), ["apac", "apac-ne", "apac-se"]);
        assert_eq!(hints("emea"), ["weur", "eeur", "me", "afr"]);
    }

    #[test]
    fn jurisdictions() {
        assert_eq!(kind("eu"), Some(Kind::Jurisdiction));
        assert_eq!(hints("eu"), ["weur", "eeur"]);
        assert_eq!(kind("US"), Some(Kind::Jurisdiction));
        assert_eq!(kind("fedramp"), Some(Kind::Jurisdiction));
    }

    #[test]
    fn spelling_of_valid_hints() {
        assert_eq!(suggest("WNAM"), Some(Suggestion { kind: Kind::Spelling, hints: vec!["wnam"] }));
        assert_eq!(hints("apac_ne"), ["apac-ne"]);
        assert_eq!(hints("APAC SE"), ["apac-se"]);
        assert_eq!(hints("apacne"), ["apac-ne"]);
        assert_eq!(hints(" enam "), ["enam"]);
    }

    #[test]
    fn anywhere_and_typos_and_nothing() {
        assert_eq!(suggest("auto"), Some(Suggestion { kind: Kind::Anywhere, hints: Vec::new() }));
        assert_eq!(suggest("weu"), Some(Suggestion { kind: Kind::Typo, hints: vec!["weur"] }));
        assert_eq!(suggest("apac-nw"), Some(Suggestion { kind: Kind::Typo, hints: vec!["apac-ne"] }));
        assert_eq!(suggest("mars"), None);
        assert_eq!(suggest(""), None);
        assert_eq!(suggest("---"), None);
    }

    #[test]
    fn tables_name_only_hints_and_no_key_twice() {
        let valid = |h: &str| crate::platform::LOCATION_HINTS.iter().any(|(v, _)| *v == h);
        let mut regions: Vec<&str> = Vec::new();
        for (id, _, hs) in AWS.iter().chain(GCP).chain(AZURE) {
            assert!(!hs.is_empty() && hs.iter().all(|h| valid(h)), "{id}");
            assert_eq!(normalize(id), *id);
            regions.push(id);
        }
        let mut words: Vec<String> = Vec::new();
        for (list, hs) in PLACES {
            assert!(!hs.is_empty() && hs.iter().all(|h| valid(h)), "{list:?}");
            for w in *list {
                assert_eq!(normalize(w), *w);
                assert!(!ANYWHERE.contains(w) && !JURISDICTIONS.iter().any(|(j, _)| j == w), "{w}");
                words.push(squash(w));
            }
        }
        for key in regions.iter().copied().chain(words.iter().map(String::as_str)) {
            assert!(
                !valid(key) && !crate::platform::LOCATION_HINTS.iter().any(|(h, _)| squash(h) == key),
                "{key} is a valid hint"
            );
        }
        let count = regions.len();
        regions.sort_unstable();
        regions.dedup();
        assert_eq!(regions.len(), count, "a region is listed twice");
        let count = words.len();
        words.sort_unstable();
        words.dedup();
        assert_eq!(words.len(), count, "a word is listed twice");
        // Every entry is reached by its own key.
        for (id, _, hs) in AWS.iter().chain(GCP).chain(AZURE) {
            assert_eq!(hints(id), hs.to_vec(), "{id}");
            assert!(matches!(kind(id), Some(Kind::Region { .. })), "{id}");
        }
        for (words, hs) in PLACES {
            for w in *words {
                assert_eq!(hints(w), hs.to_vec(), "{w}");
            }
        }
    }
}
