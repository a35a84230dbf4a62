"""Write the sample record files (fictional COSOTER notices) of corpus/notices and tests/data/records.

ISO 2709 is written byte by byte here (not with recueil's own code) so that the
test files also cover ISO 5426, MARC-8 and deliberately broken records.

    .venv/bin/python scripts/make_record_samples.py
"""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

ROOT = Path(__file__).resolve().parent.parent
FT, RT, SF = b"\x1e", b"\x1d", b"\x1f"

Field = tuple[str, str, list[tuple[str, str]]]  # tag, indicators, subfields (or data for 00X)


def notice(
    nid: str,
    date: str,
    title: str,
    subtitle: str,
    place: str,
    publisher: str,
    extent: str,
    abstract: str,
    descriptors: list[str],
    keywords: list[str],
    authors: list[tuple[str, str, str, str]],
    corporate: list[tuple[str, str, str]],
    cite: str,
    url: str = "",
    files: list[str] | None = None,
    note: str = "",
    collection: str = "",
) -> list[Field]:
    fields: list[Field] = [("001", "", [("", nid)]), ("009", "  ", [("a", date)])]
    fields.append(
        ("100", "  ", [("a", f"{date.replace('-', '')}d{date[:4]}    u  y0frey50      ba")])
    )
    fields.append(("101", "0 ", [("a", "fre")]))
    fields.append(("200", "1 ", [("a", title)] + ([("e", subtitle)] if subtitle else [])))
    fields.append(("210", "  ", [("a", place), ("c", publisher), ("d", date[:4])]))
    fields.append(("215", "  ", [("a", extent)]))
    if collection:
        fields.append(("225", "2 ", [("a", collection)]))
    if note:
        fields.append(("300", "  ", [("a", note)]))
    fields.append(("330", "  ", [("a", abstract)]))
    fields += [("606", "  ", [("a", d)]) for d in descriptors]
    fields += [("610", "0 ", [("a", k)]) for k in keywords]
    for tag, name, first, role in authors:
        fields.append((tag, " 1", [("a", name), ("b", first), ("4", role)]))
    for tag, name, role in corporate:
        fields.append((tag, "02", [("a", name), ("4", role)]))
    if url:
        fields.append(("856", "4 ", [("u", url)]))
    for name in files or []:
        fields.append(
            (
                "897",
                "  ",
                [
                    ("a", f"https://cosoter.example.org/doc_num.php?explnum_id={nid}"),
                    ("f", name),
                    ("t", "application/pdf"),
                ],
            )
        )
    fields.append(("900", "  ", [("a", cite), ("l", "Cité éducative"), ("n", "cp_cite")]))
    return fields


NOTICES = [
    notice(
        "1201",
        "2022-06-09",
        "6e rencontre des chefs de projet opérationnels des Cités éducatives",
        "compte rendu de la journée régionale",
        "Lille",
        "IREV",
        "12 p.",
        "Compte rendu de la rencontre régionale des CPO des Cités éducatives des Hauts-de-France : "
        "ateliers sur la petite enfance, les lieux d'accueil enfants-parents (LAEP) et la coéducation avec les familles.",
        ["Petite enfance", "Parentalité"],
        ["LAEP", "coéducation", "rencontre régionale"],
        [("700", "Lemaire", "Sophie", "070"), ("702", "Benali", "Karim", "340")],
        [("710", "IREV - Centre de ressources politique de la ville Hauts-de-France", "070")],
        "Hauts-de-France",
        files=["2022-06-09_6e-rencontre-CPO-HDF_IREV.pdf"],
        note="Document interne au réseau des CPO.",
    ),
    notice(
        "1202",
        "2021-11-18",
        "Un café des parents au collège Jean Macé",
        "fiche d'expérience",
        "Calais",
        "Cité éducative de Calais",
        "4 p.",
        "Chaque mardi matin, les parents d'élèves sont accueillis au collège autour d'un café par la "
        "médiatrice école-famille et un adulte-relais : aide à l'ENT, rencontres avec les enseignants, "
        "ateliers sociolinguistiques.",
        ["Parentalité", "Relation école-familles"],
        ["café des parents", "médiation école-famille", "adultes-relais"],
        [("700", "Dufour", "Émilie", "070")],
        [("710", "Ville de Calais", "070")],
        "Calais Beau-Marais",
        url="https://cosoter.example.org/index.php?lvl=notice_display&id=1202",
        collection="Retours d'expérience",
    ),
    notice(
        "1203",
        "2023-03-14",
        "Lutter contre le décrochage dès la 6e",
        "",
        "Amiens",
        "Cité éducative d'Amiens Nord",
        "8 p.",
        "Le groupe de prévention du décrochage scolaire (GPDS) du collège associe la mission locale et "
        "les éducateurs de prévention pour repérer l'absentéisme et proposer des parcours de raccrochage.",
        ["Décrochage scolaire"],
        ["GPDS", "absentéisme", "raccrochage", "mission locale"],
        [("700", "Martin", "Lucas", "070"), ("701", "Nguyen", "Thi Hoa", "070")],
        [],
        "Amiens Nord",
    ),
    notice(
        "1204",
        "2022-09-27",
        "Savoir nager avant l'entrée en 6e",
        "bilan de la première année",
        "Roubaix",
        "Cité éducative de Roubaix",
        "6 p.",
        "Bilan du dispositif « savoir nager » : 180 élèves de CM2 ont suivi un stage intensif à la piscine "
        "municipale pendant les vacances apprenantes, avec les clubs sportifs du quartier.",
        ["Sport", "Vacances apprenantes"],
        ["savoir nager", "club sportif", "Quartiers d'été"],
        [("700", "Vandenbussche", "Claire", "070")],
        [("710", "Ville de Roubaix", "070"), ("711", "Office municipal des sports", "070")],
        "Roubaix",
        collection="Retours d'expérience",
    ),
    notice(
        "1205",
        "2023-05-11",
        "Tablettes et médiation numérique pour les familles",
        "",
        "Grigny",
        "Cité éducative de Grigny",
        "5 p.",
        "Prêt de 300 tablettes aux familles sans équipement, accompagné d'ateliers de médiation numérique "
        "animés par les conseillers numériques pour lutter contre l'illectronisme et utiliser l'ENT.",
        ["Inclusion numérique"],
        ["tablettes", "conseillers numériques", "illectronisme", "ENT"],
        [("700", "Koné", "Aïssata", "070")],
        [("710", "Agence nationale de la cohésion des territoires", "340")],
        "Grigny",
        url="https://cosoter.example.org/index.php?lvl=notice_display&id=1205",
    ),
    notice(
        "1206",
        "2021-04-02",
        "Des compétences psychosociales dès la maternelle",
        "programme régional",
        "Valenciennes",
        "Cité éducative Valenciennes-Anzin",
        "10 p.",
        "Formation des enseignants et des animateurs périscolaires aux compétences psychosociales (CPS) "
        "avec l'ARS et l'infirmière scolaire ; ateliers sur les émotions, le sommeil et les écrans.",
        ["Santé mentale", "Compétences psychosociales"],
        ["CPS", "ARS", "écrans", "sommeil"],
        [("700", "Lefebvre", "Julien", "070"), ("702", "Ait Ahmed", "Nadia", "557")],
        [],
        "Valenciennes-Anzin",
    ),
    notice(
        "1207",
        "2022-12-06",
        "Conseil des jeunes de la Cité éducative",
        "",
        "Tourcoing",
        "Cité éducative de Tourcoing",
        "3 p.",
        "Vingt collégiens élus au conseil des jeunes de la Bourgogne proposent et votent un budget "
        "participatif de 15 000 € pour des projets du quartier ; accompagnement par le service civique.",
        ["Citoyenneté", "Participation des jeunes"],
        ["budget participatif", "conseil des jeunes", "service civique"],
        [("700", "Mercier", "Hugo", "070")],
        [("710", "Ville de Tourcoing", "070")],
        "Tourcoing La Bourgogne",
    ),
]


def iso2709(
    fields: list[Field],
    leader_tail: str = "22",
    charset_100: str = "50",
    encode=lambda s: s.encode(),
) -> bytes:
    directory, body = b"", b""
    for tag, inds, subs in fields:
        if tag < "010" and subs and subs[0][0] == "":
            data = encode(subs[0][1]) + FT
        else:
            data = inds.encode() + b"".join(SF + c.encode() + encode(v) for c, v in subs) + FT
            if tag == "100":
                value = subs[0][1]
                data = (
                    inds.encode()
                    + SF
                    + b"a"
                    + (value[:26] + charset_100 + value[28:]).encode()
                    + FT
                )
        directory += f"{tag}{len(data):04d}{len(body):05d}".encode()
        body += data
    base = 24 + len(directory) + 1
    length = base + len(body) + 1
    leader = f"{length:05d}nam  {leader_tail}{base:05d}   450 ".encode()
    return leader + directory + FT + body + RT


def iso5426(text: str) -> bytes:
    table = {
        "é": b"\xc2e",
        "è": b"\xc1e",
        "ê": b"\xc3e",
        "à": b"\xc1a",
        "ç": b"\xd0c",
        "ï": b"\xc8i",
        "É": b"\xc2E",
        "œ": b"\xfa",
        "«": b"\xab",
        "»": b"\xbb",
        "’": b"\xb9",
        "ô": b"\xc3o",
    }
    return b"".join(table[ch] if ch in table else ch.encode("ascii") for ch in text)


def marc8(text: str) -> bytes:
    table = {
        "é": b"\xe2e",
        "è": b"\xe1e",
        "ê": b"\xe3e",
        "à": b"\xe1a",
        "ç": b"\xf0c",
        "É": b"\xe2E",
        "ô": b"\xe3o",
        "î": b"\xe3i",
    }
    return b"".join(table[ch] if ch in table else ch.encode("ascii") for ch in text)


def pmb_xml(records: list[list[Field]]) -> str:
    lines = ['<?xml version="1.0" encoding="utf-8"?>', "<unimarc>"]
    for fields in records:
        lines.append("  <notice>")
        lines += [
            f"    <{k}>{v}</{k}>"
            for k, v in (
                ("rs", "n"),
                ("dt", "a"),
                ("bl", "m"),
                ("hl", "0"),
                ("el", "1"),
                ("ru", "i"),
            )
        ]
        for tag, inds, subs in fields:
            if tag < "010" and subs[0][0] == "":
                lines.append(f'    <f c="{tag}">{escape(subs[0][1])}</f>')
            else:
                inner = "".join(f'<s c="{c}">{escape(v)}</s>' for c, v in subs)
                lines.append(f'    <f c="{tag}" ind={quoteattr(inds)}>{inner}</f>')
        lines.append("  </notice>")
    lines.append("</unimarc>")
    return "\n".join(lines) + "\n"


def main() -> None:
    corpus = ROOT / "corpus" / "notices"
    data = ROOT / "tests" / "data" / "records"
    corpus.mkdir(parents=True, exist_ok=True)
    data.mkdir(parents=True, exist_ok=True)
    (corpus / "cosoter-export-pmb.xml").write_text(pmb_xml(NOTICES[:3]), encoding="utf-8")
    (corpus / "cosoter-notices.mrc").write_bytes(b"".join(iso2709(f) for f in NOTICES[3:]))
    (data / "notices-pmb.xml").write_text(pmb_xml(NOTICES[:3]), encoding="utf-8")
    (data / "notices-utf8.mrc").write_bytes(b"".join(iso2709(f) for f in NOTICES[:3]))
    (data / "notice-iso5426.mrc").write_bytes(iso2709(NOTICES[1], charset_100="01", encode=iso5426))
    marc21 = [
        ("001", "", [("", "m21-1")]),
        ("245", "10", [("a", "Réussite éducative à Nîmes :"), ("b", "l'été des écoliers")]),
        ("260", "  ", [("a", "Nîmes"), ("b", "Cité éducative"), ("c", "2022")]),
    ]
    (data / "notice-marc8.mrc").write_bytes(iso2709(marc21, charset_100="  ", encode=marc8))
    good, bad_dir = iso2709(NOTICES[0]), bytearray(iso2709(NOTICES[2]))
    bad_dir[51:55] = (
        b"9x9?"  # length of the 3rd directory entry no longer a number: broken structure
    )
    latin1 = iso2709(
        NOTICES[1], encode=lambda s: s.encode("latin-1", "replace")
    )  # declares UTF-8, holds Latin-1
    (data / "mixed-broken.mrc").write_bytes(good + bytes(bad_dir) + latin1 + iso2709(NOTICES[3]))


if __name__ == "__main__":
    main()
