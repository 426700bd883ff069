"""The released realsim corpus: which files, where from, and their checksums.

Pinned to one commit of the public repository so every user scores against
the same bytes; the sha256 of each file is verified after every fetch.
"""

from __future__ import annotations

REPOSITORY = "isle-dev/realsim"
COMMIT = "7c2c2c5f70eeb620d251d9d738ff7ad7b213fc4a"
RAW_BASE_URL = f"https://raw.githubusercontent.com/{REPOSITORY}/{COMMIT}"

SCENARIOS_FILE = "all_extracted_scenarios.json"
PERSONAS_FILE = "generated_informed_persona.json"

FILES: dict[str, str] = {
    SCENARIOS_FILE: "cf6f79fc5a82412acbed881c76dc06a9dc1350e04b6bc5de593b07b7ec5a8e3a",
    PERSONAS_FILE: "a8fa5e4ff4b1eff890aae43f3392344448cda6109433437726eedd164a62e09e",
    "real_dialogues/branding.json": "0358ee695d172d72a8fe7aae58c022e06331e334b1f78ff8f255df4ef63610d6",
    "real_dialogues/cybersecurity.json": "889b173cf564a402e55396ea96dd674f94cd6939df6ab12aee47b9e2fbc76a39",
    "real_dialogues/datascience.json": "ef64164c3a67ad4d37ed627e28a2a5c8a17a955dd4ee854e95fcbbd963df5874",
    "real_dialogues/education.json": "f0e46061bf5bee062be897b9d9b8a2be3463b8f4ffc55a1efd4b0de3c717df27",
    "real_dialogues/email.json": "5edeb5693bd9497104dd65f07d463149adb98c249401225316298aed8ad2c403",
    "real_dialogues/finance_info_advice.json": "f95fb5941122817d464aad7c6f22b9411d93f4fb1ef5e5535d1202af024f1984",
    "real_dialogues/general_health.json": "42229c29902ff1f0f60936dcbd0f21a158468b5ecec0e2c09ebd1a22e532998b",
    "real_dialogues/governance.json": "602a30e405c4578f643b51ef86deac6fc818e4f0278af07b673900b5208b5906",
    "real_dialogues/hardware.json": "eac922321f2b0c3c11dcbde9839a4159a93331f3673e48416ed22861d2be5731",
    "real_dialogues/job_application.json": "37ca3fc9269396ce842574e1ef63ec8fff722767b5d71962627a7102728d5dee",
    "real_dialogues/learning.json": "9dd2bb0bc57ceedf9ba313de482e904020b067250167122a7cf0670ea1e558ed",
    "real_dialogues/lit_analysis.json": "a130001a6a6d0f481ad0853092ea84320e1037c0c1de159ab27b2e65d939c599",
    "real_dialogues/mental_health.json": "606864e76b783177479e9451d880a80fac9842dbbcff70b221df16791438490f",
    "real_dialogues/music_generalQA.json": "53abfa4bb4b3b481fa6a82f425a935071e062179bf162068efb798b64289742d",
    "real_dialogues/nutrition.json": "f9f7d31a56a7f3a2cd7391b212762291ad06072d070fd53408f739674bbd62c8",
    "real_dialogues/songwriting.json": "737ba8759eeb5c49692acd175489ecb9ec04e17564c03a7c8923f4d37b86d0aa",
    "real_dialogues/stories.json": "fa10a72a45abe1d41c9d4e726094b640c4f7e4590996d20eca68abf0b059ef8a",
    "real_dialogues/travel_planning.json": "0932e5243996e6443549eed2bec5b6b223a9ea5191e1defea7d07c0ce629a827",
}

# Scenario domain -> dialogue files, in the order scenario keys count them.
DOMAIN_FILES: dict[str, tuple[str, ...]] = {
    "books": ("lit_analysis", "stories"),
    "branding": ("branding",),
    "cybersecurity": ("cybersecurity",),
    "datascience": ("datascience",),
    "education": ("learning",),
    "email": ("email",),
    "finance": ("finance_info_advice",),
    "general": ("general_health",),
    "governance": ("governance",),
    "hardware": ("hardware",),
    "job": ("job_application",),
    "mental": ("mental_health",),
    "music": ("music_generalQA",),
    "nutrition": ("nutrition",),
    "song": ("songwriting",),
    "travel": ("travel_planning",),
}

# education.json holds exact copies of governance.json[0:20]; governance keeps them.
DROPPED_FILES: dict[str, str] = {
    "education": "its 20 records are exact copies of governance.json[0:20] (same ids and contents)",
}

DOMAINS: tuple[str, ...] = tuple(sorted(DOMAIN_FILES))
