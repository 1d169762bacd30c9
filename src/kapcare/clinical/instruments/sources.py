"""Where each clinical number comes from.

Keys and addresses are those of ../shared/clinical-reference.md §9, so a score,
band, cut-off or outcome definition shown to a user can name its source.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

SOURCES: Mapping[str, str] = MappingProxyType(
    {
        "R1": "https://build.fhir.org/ig/HL7/US-Core/en/Questionnaire-phq-9-example.html",
        "R2": (
            "https://build.fhir.org/ig/medizininformatik-initiative/"
            "kerndatensatzmodul-proms/en/phq-9.html"
        ),
        "R3": (
            "http://journals.lww.com/lww-medicalcare/Abstract/2004/12000/"
            "Monitoring_Depression_Treatment_Outcomes_With_the.6.aspx"
        ),
        "R4": "http://ps.psychiatryonline.org/doi/full/10.1176/appi.ps.201900295",
        "R6": "https://docs.rs/crate/clincalc/latest/source/src/calculators/phq9.rs",
        "R7": "https://build.fhir.org/ig/HL7/pco-ig/branches/1.0.0/en/Questionnaire-69737-5.xml",
        "R8": (
            "https://build.fhir.org/ig/medizininformatik-initiative/kerndatensatzmodul-proms/"
            "branches/v2026.7.0/en/ObservationDefinition-mii-obsdef-pro-score-gad-7.json"
        ),
        "R9": "https://rdrr.io/cran/cliot/man/gad7_anxiety_screen.html",
        "R10": (
            "https://fis.uke.de/portal/en/publications/sensitivity-to-change-and-minimal-"
            "clinically-important-difference-of-the-7item-generalized-anxiety-disorder-"
            "questionnaire-gad7(3ac450dc-9eb3-48dd-89ee-a5c0bc2d51c3).html"
        ),
        "R12": (
            "https://comorbidityguidelines.org.au/appendix-s-ptsd-checklist-for-dsm5-pcl5/"
            "pcl5-scoring-and-interpretation"
        ),
        "R14": "https://suppr.wilddata.cn/browses/detail/pubmed/37845820",
        "R16": "https://mhscales.com/pcl5",
        "R17": (
            "https://findacode.com/loinc/101697-1--post-traumatic-stress-disorder-checklist-"
            "civilian-version-dsm-5-pcl-5.html"
        ),
        "R19": "https://link.springer.com/article/10.1007/s11606-009-0981-1",
        "R19b": "https://www.medicalalgorithms.com/peg-pain-screen",
        "R20": "https://pmc.ncbi.nlm.nih.gov/articles/PMC10859144",
        "K8": "https://peeref.com/works/25924086",
        "K8b": (
            "https://www.moreblossom.com/trials/drozdz-2022-sublingual-ketamine-telehealth-"
            "retrospective"
        ),
        "K15": "https://pmc.ncbi.nlm.nih.gov/articles/PMC8407443/table/T2",
        "K16d": "https://medlibrary.org/lib/rx/meds/ketalar/page/2/",
        "K17": (
            "https://searchworks.staging.jioinstitute.edu.in/?f%5Beds_language_facet%5D%5B%5D="
            "undetermined&q=%22Mansur%2C+Rodrigo+B.%22&search_field=author"
        ),
    }
)
