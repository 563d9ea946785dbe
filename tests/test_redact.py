import pytest

from pipeline.redact import redact


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mail naar p.jansen@voorbeeld.nl graag", "mail naar [email] graag"),
        ("bel me op 06-12345678 of +31 20 123 4567", "bel me op [phone] of [phone]"),
        ("rekening NL91 ABNA 0417 1643 00 graag", "rekening [iban] graag"),
        ("ik woon op 3511 LK in utrecht", "ik woon op [postcode] in utrecht"),
        ("klantnummer 4820193", "klantnummer [number]"),
        ("mijn nummer is nul zes twee vier acht een een negen", "mijn nummer is [number]"),
        ("my account is four two nine nine one zero three", "my account is [number]"),
    ],
)
def test_personal_data_is_replaced(text, expected):
    assert redact(text) == expected


def test_ordinary_numbers_and_words_stay():
    text = "ik heb twee vragen over drie facturen van 12,50 euro uit 2026"
    assert redact(text) == text
