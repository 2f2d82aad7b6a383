"""The language codes a record can hold: those corpuskit's language identifier gives.

A record's ``language`` is py3langid's label when it is a two-letter (ISO 639-1) code
and the model is sure enough, else ``und``
(:func:`corpuskit.languageid.language.iso639_1_many`). The record schema's pattern takes
any two letters; a record re-signed with a code no model gives (``xx``) passed validate
once croissant.json and the card were made to list it too (QA). The codes are written out
here, not read from the model (decoding it takes about a second, which validate does not
spend): the tests hold them to the model of the pinned py3langid.
"""

from __future__ import annotations

#: What a record's ``language`` is when no code is known for sure.
UNDETERMINED = "und"

#: The two-letter labels of py3langid 0.4's model.
IDENTIFIER_CODES = frozenset({
    "af", "am", "an", "ar", "as", "az", "ba", "be", "bg", "bn", "br", "bs", "ca", "cs", "cy",
    "da", "de", "dz", "el", "en", "eo", "es", "et", "eu", "fa", "fi", "fo", "fr", "fy", "ga",
    "gd", "gl", "gu", "ha", "he", "hi", "hr", "ht", "hu", "hy", "id", "ig", "is", "it", "ja",
    "jv", "ka", "kk", "km", "kn", "ko", "ku", "ky", "la", "lb", "lg", "ln", "lo", "lt", "lv",
    "mg", "mk", "ml", "mn", "mr", "ms", "mt", "my", "ne", "nl", "nn", "no", "oc", "om", "or",
    "pa", "pl", "ps", "pt", "qu", "ro", "ru", "rw", "sa", "se", "si", "sk", "sl", "sn", "so",
    "sq", "sr", "st", "sv", "sw", "ta", "te", "tg", "th", "tk", "tl", "tr", "tt", "ug", "uk",
    "ur", "uz", "vi", "vo", "wa", "xh", "yo", "zh", "zu",
})

#: Every code a record corpuskit writes can hold.
RECORD_CODES = IDENTIFIER_CODES | {UNDETERMINED}
