"""Whisper's language codes and the English names OpenAI's verbose_json reports."""

from __future__ import annotations

_TABLE = """
en english|zh chinese|de german|es spanish|ru russian|ko korean|fr french|ja japanese|
pt portuguese|tr turkish|pl polish|ca catalan|nl dutch|ar arabic|sv swedish|it italian|
id indonesian|hi hindi|fi finnish|vi vietnamese|he hebrew|uk ukrainian|el greek|ms malay|
cs czech|ro romanian|da danish|hu hungarian|ta tamil|no norwegian|th thai|ur urdu|
hr croatian|bg bulgarian|lt lithuanian|la latin|mi maori|ml malayalam|cy welsh|sk slovak|
te telugu|fa persian|lv latvian|bn bengali|sr serbian|az azerbaijani|sl slovenian|
kn kannada|et estonian|mk macedonian|br breton|eu basque|is icelandic|hy armenian|
ne nepali|mn mongolian|bs bosnian|kk kazakh|sq albanian|sw swahili|gl galician|
mr marathi|pa punjabi|si sinhala|km khmer|sn shona|yo yoruba|so somali|af afrikaans|
oc occitan|ka georgian|be belarusian|tg tajik|sd sindhi|gu gujarati|am amharic|
yi yiddish|lo lao|uz uzbek|fo faroese|ht haitian creole|ps pashto|tk turkmen|nn nynorsk|
mt maltese|sa sanskrit|lb luxembourgish|my myanmar|bo tibetan|tl tagalog|mg malagasy|
as assamese|tt tatar|haw hawaiian|ln lingala|ha hausa|ba bashkir|jw javanese|
su sundanese|yue cantonese
"""

LANGUAGES: dict[str, str] = dict(
    entry.strip().split(" ", 1) for entry in _TABLE.replace("\n", "").split("|") if entry.strip()
)


def language_name(code: str) -> str:
    return LANGUAGES.get(code, code)


def normalize_language(value: str | None) -> str | None:
    """A Whisper language code from a code or an English name; ValueError if unknown."""
    if value is None:
        return None
    key = value.strip().lower()
    if not key:
        return None
    if key in LANGUAGES:
        return key
    for code, name in LANGUAGES.items():
        if name == key:
            return code
    raise ValueError(f"unsupported language {value!r}; use an ISO-639-1 code such as 'en'")
