"""Class set and the mapping from source instrument names to classes.

The paper's 11 classes are not supported by public data (REFERENCE §3: 4 snaps, 9 shakers);
these 11 are, and a classifier can tell most of them apart on unseen kits.
"""
import re

CLASSES = [
    "kick", "snare", "clap", "closed_hat", "open_hat", "tom",
    "hand_drum", "rim", "crash", "ride", "perc",
]

# Ambiguous or non-one-shot sounds: left out (semi-open/pedal hats, rolls, chokes,
# rimshots that sound like snares, effects).
_EXCLUDE = re.compile(
    r"semi|pedal|foot|roll|choke|swish|rimshot|zap|fx|whistle|waterglass|hat free|ring\b|"
    r"side hh|side ohh|phaser|nasty|beep|blip|blup|chime|flip|ping|plip|pop|elec_tick|twang|elec_bong\b|"
    r"twip|door|impact|swash|swoosh|\btill|vibra|cuica|guiro|triangle|flink|mute|^\d+$|^main$|"
    r"(^|varibreaks )drum \d|hat low|^click$|elec_bell|perc_bell|drum_roll|timbale|dull",
    re.I,
)

_RULES = [
    ("perc", r"(sangban|dununba|kenkeni).*bell"),
    ("hand_drum", r"conga|bongo|djembe|cajon|tabla|sangban|dununba|kenkeni|tumba|quinto"),
    ("open_hat", r"(hat|hh|hihat|hi-hat).*(open|op\b)|open ?(hh|hat)|ohh|drum_cymbal_open"),
    ("closed_hat", r"(hat|hh|hihat|hi-hat).*(clos|cl\b)|closed ?(hh|hat)|drum_cymbal_closed"),
    ("kick", r"kick|bass ?drum|bassdrum|^bd[_ ]|drum_bass|\bbd\b"),
    ("clap", r"clap"),
    ("rim", r"stick|rim ?click|^rim|sidestick"),
    ("snare", r"snare|^sn_"),
    ("tom", r"tom"),
    ("ride", r"ride|^bell$|paiste bell|cup"),
    ("crash", r"crash|splash|china|cymbal"),
    ("perc", r"cowbell|clave|clav\d|wood|shaker|maraca|tambourine|snap|agogo|cabasa|elec_wood"),
]


def classify(name: str):
    """Class name for an instrument/file name, or None if excluded or unknown."""
    n = name.strip()
    if not n or _EXCLUDE.search(n):
        return None
    for cls, pat in _RULES:
        if re.search(pat, n, re.I):
            return cls
    return None


# General MIDI percussion keys (channel 10) → class; keys not listed are left out.
GM_KEYS = {
    35: "kick", 36: "kick", 37: "rim", 38: "snare", 39: "clap", 40: "snare",
    41: "tom", 43: "tom", 45: "tom", 47: "tom", 48: "tom", 50: "tom",
    42: "closed_hat", 46: "open_hat",
    49: "crash", 52: "crash", 55: "crash", 57: "crash",
    51: "ride", 53: "ride", 59: "ride",
    54: "perc", 56: "perc", 67: "perc", 68: "perc", 69: "perc", 70: "perc",
    75: "perc", 76: "perc", 77: "perc",
    60: "hand_drum", 61: "hand_drum", 62: "hand_drum", 63: "hand_drum", 64: "hand_drum",
}
