"""The transliteration-aware name key: variant spellings meet, different people do not."""

from __future__ import annotations

import pytest

from newsweave.link.names import name_key, near_name, same_name

# constructed variant pairs (vowel length, aspiration, v/w, ph/f, q/k, z/j, doubled letters,
# spacing, short forms): each pair is one name
SAME = [
    ("Rajneesh Kumar", "Rajnish Kumar"),
    ("Mohammad Irfan", "Mohammed Irfan"),
    ("Md Irfan", "Mohammad Irfan"),
    ("Chandrasekhar Reddy", "Chandra Shekhar Reddy"),
    ("Vishwanath Rao", "Viswanath Rao"),
    ("Phoolmati Devi", "Fulmati Devi"),
    ("Deepak Tiwari", "Dipak Tiwari"),
    ("Sukhdeo Paswan", "Sukhdev Paswan"),
    ("Zakir Ansari", "Jakir Ansari"),
    ("Anirban Mukherjee", "Anirban Mukherji"),
    ("Tariq Siddiqui", "Tariq Siddiqi"),
    ("Bhagwan Das", "Bhagvan Dass"),
    ("Aazad Khan", "Azad Khan"),
]

DIFFERENT = [
    ("Sonia Gandhi", "Rahul Gandhi"),
    ("Rahul Gandhi", "Priyanka Gandhi Vadra"),
    ("Amit Shah", "Amit Sahu"),
    ("Ajay Rai", "Vijay Rai"),
    ("Sunil Kumar", "Anil Kumar"),
    ("Ram Kumar", "Shyam Kumar"),
    ("Ramesh Yadav", "Suresh Yadav"),
]


@pytest.mark.parametrize("a, b", SAME)
def test_names_variants_are_one_name(a, b):
    assert same_name(a, b), (name_key(a), name_key(b))
    assert near_name(a, b)


@pytest.mark.parametrize("a, b", DIFFERENT)
def test_names_different_people_stay_apart(a, b):
    assert not same_name(a, b), (name_key(a), name_key(b))


@pytest.mark.parametrize("a, b", [("Sonia Gandhi", "Rahul Gandhi"), ("Ajay Rai", "Vijay Rai"),
                                  ("Sunil Kumar", "Anil Kumar"), ("Ramesh Yadav", "Suresh Yadav")])
def test_names_not_near_either(a, b):
    assert not near_name(a, b)


def test_names_key_ignores_case_diacritics_and_spacing():
    assert name_key("NASĪMUDDĪN  siddiqui") == name_key("Nasimuddin Siddiqui")
