"""cleaner._title: one small hand-written case (or a few) per rule, in several languages."""

from __future__ import annotations

import pytest

from cleaner._title import _label_around, from_html, looks_like_title, strip_site_name, title_line

# A page's menus, long enough that a heading below them stands "past the menus".
MENU = ["Home", "News", "World", "Politics", "Business", "Sport", "Culture", "Travel", "Opinion", "Video",
        "Podcasts", "Newsletters", "Subscribe"]
PARA = ("The regional government approved a plan on Tuesday to restore 120 kilometres of river banks, planting "
        "trees and removing old concrete walls that channel the water, officials said after a long meeting.")
PARA_DE = ("Die Landesregierung hat am Dienstag einen Plan gebilligt, der die Renaturierung von 120 Kilometern "
           "Flussufer vorsieht und alte Betonmauern entfernen will.")


def text(first: str, *head: str, menu: list[str] = MENU, paras: tuple[str, str] = (PARA, PARA)) -> list[str]:
    """Whole-page text: line 0 (a <title> or a scraper's title), menus, the article's head, its body."""
    return [first, *menu, *head, *paras]


def pick(lines: list[str]) -> str:
    """What the pipeline makes of `title_line`: the line, less its site name."""
    i = title_line(lines, len(lines))
    return strip_site_name(lines[i]) if i is not None else ""


# --- strip_site_name ------------------------------------------------------------------------------

@pytest.mark.parametrize(("title", "site", "want"), [
    ("River banks to be restored | The Valley Times", "", "River banks to be restored"),
    ("River banks to be restored - Valley Times - News", "", "River banks to be restored"),
    ("Flussufer werden renaturiert | MDR.DE", "", "Flussufer werden renaturiert"),
    ("Les berges seront restaurées – Le Monde", "", "Les berges seront restaurées"),
    ("My coding workflow in 2026 - by Jane Doe", "", "My coding workflow in 2026"),
    ("valley.com | River banks to be restored", "", "River banks to be restored"),  # a leading domain
    ("The Valley Times | River banks to be restored", "The Valley Times", "River banks to be restored"),
    ("Index Funds: How to Invest | Vanguard", "", "Index Funds: How to Invest"),
    ("12 Must-Have Data Tools for 2026 | Python, SQL &#x26; AI | Splunk", "", "12 Must-Have Data Tools for 2026"),
    ("/ 11 Vacation Packages to Book for 2026", "", "11 Vacation Packages to Book for 2026"),
    ("大熊猫回家了 | 新华网", "", "大熊猫回家了"),
    ("Top 10 Data Analytics Platforms in 2025 | EM360Tech", "", "Top 10 Data Analytics Platforms in 2025"),
])
def test_strip_site_name_drops_the_site(title: str, site: str, want: str) -> None:
    assert strip_site_name(title, site) == want


@pytest.mark.parametrize(("title", "why"), [
    ("Rene Benko-Firma in Sorge - was die Finanzdaten zeigen", "a part with lower-case words is no label"),
    ("Mobile UX Design Done Right - Guide 2025", "a part with a figure is no site name"),
    ("Studen BE - A6 nach tödlichem Unfall für mehrere Stunden gesperrt", "a leading part stays unless it is the site"),
    ("What we do", "no separator"),
    ("Zwei Wege - Neue Wege", "an edge part no shorter than the rest stays"),
])
def test_strip_site_name_keeps_a_title_whole(title: str, why: str) -> None:
    assert strip_site_name(title) == title, why


def test_strip_site_name_drops_at_one_kind_of_separator_only() -> None:
    assert strip_site_name("This County Criminalized Bad Grades – Until Now | Civil Liberties Union") == (
        "This County Criminalized Bad Grades – Until Now")


def test_strip_site_name_knows_the_site_by_its_name() -> None:
    title = "Klimavorreiter Oberland? - Tegernseer Stimme am Sonntag Online"  # too long for a label
    assert strip_site_name(title) == title
    assert strip_site_name(title, "Tegernseer Stimme am Sonntag Online") == "Klimavorreiter Oberland?"
    assert strip_site_name("Coffee - University of Wisconsin", "University of Wisconsin") == "Coffee"


# --- from_html ------------------------------------------------------------------------------------

def test_html_heading_that_agrees_with_the_title_wins() -> None:
    assert from_html("River banks restored in the valley | Valley Times",
                     ["Valley Times", "River banks restored in the whole valley"], "Valley Times") == (
        "River banks restored in the whole valley")


@pytest.mark.parametrize(("page_title", "heading", "want"), [
    ("St. Louis Park elects a new mayor", "Politics | St. Louis Park elects a new mayor",
     "St. Louis Park elects a new mayor"),
    ("Preparing a transition in Debusine", "Dec 18 2025 Preparing a transition in Debusine",
     "Preparing a transition in Debusine"),
    ("Why collaborative thinking beats individual smarts", "Open ProgressWhy collaborative thinking beats individual"
     " smarts", "Why collaborative thinking beats individual smarts"),
    ("Rene Benko-Firma Signa in Sorge - Finanzdaten und Berater-Auftrag",
     "Immobilienkrise Rene Benko-Firma Signa in Sorge – Finanzdaten und Berater-Auftrag",
     "Rene Benko-Firma Signa in Sorge – Finanzdaten und Berater-Auftrag"),
    ("Corona-Pandemie - „Es kommt darauf an, wie die Menschen sterben“", "Interview„Es kommt darauf an, wie die "
     "Menschen sterben“", "„Es kommt darauf an, wie die Menschen sterben“"),
])
def test_html_heading_loses_a_kicker_glued_before_the_title(page_title: str, heading: str, want: str) -> None:
    assert from_html(page_title, [heading], "") == want


@pytest.mark.parametrize(("page_title", "heading", "why"), [
    ("Best Electric Scooters for Commuting", "The Best Electric Scooters for Commuting", "'The' is no kicker"),
    ("Plumbing Tips: 11 Best Practices", "Plumbing Tips: 11 Best Practices to Prevent Issues", "a tail stays"),
    ("Weinbergsbahnen nicht manipuliert – Ermittlungen gehen weiter",
     "Weinbergsbahnen nicht manipuliert – Ermittlungen gehen weiter", "the whole title is no kicker"),
])
def test_html_heading_keeps_what_is_no_kicker(page_title: str, heading: str, why: str) -> None:
    assert from_html(page_title, [heading], "") == heading, why


def test_html_decodes_entities_and_invisible_marks() -> None:
    assert from_html("Tools for 2026 | Python, SQL & AI | Splunk", ["Tools for 2026 | Python, SQL &#x26; AI"],
                     "Splunk") == "Tools for 2026 | Python, SQL & AI"
    assert from_html("", ["Mes\u00adsen\u00adger\u00addiens\u00adte sind kein rechts\u00adfrei\u00ader Raum"],
                     "") == "Messengerdienste sind kein rechtsfreier Raum"


def test_html_lone_headline_beats_an_unrelated_title() -> None:
    assert from_html("Top Tech Conferences 2026 – The Global Events Driving Innovation",
                     ["Biggest tech events of the year"], "emit.digital") == "Biggest tech events of the year"
    assert from_html("Firmenwagen: Leasen oder Finanzieren?", ["Wann lohnt sich Leasing wirklich"], "") == (
        "Wann lohnt sich Leasing wirklich")


def test_html_short_unrelated_heading_is_a_section_label() -> None:
    assert from_html("Private VPN Service Recommendations | Privacy Guides", ["VPN Services"],
                     "Privacy Guides") == "Private VPN Service Recommendations"


def test_html_several_unrelated_headings_leave_the_title() -> None:
    assert from_html("Tag des Zweinutzungshuhns am 22. Januar", ["Detailansicht der Meldung", "Datenschutzhinweis"],
                     "") == "Tag des Zweinutzungshuhns am 22. Januar"


def test_html_title_that_is_only_the_site_name_gives_way_to_the_heading() -> None:
    assert from_html("International Biathlon Union - IBU", ["Peking 2022 – Eine große Chance für den Biathlon"],
                     "International Biathlon Union - IBU") == "Peking 2022 – Eine große Chance für den Biathlon"


def test_html_title_that_is_only_the_site_name_gives_way_to_a_short_heading() -> None:
    assert from_html("The Valley Times", ["Flood warning"], "The Valley Times") == "Flood warning"


def test_html_site_name_heading_is_never_the_title() -> None:
    assert from_html("Crue du Rhône : les digues tiennent", ["Le Journal du Rhône"], "Le Journal du Rhône") == (
        "Crue du Rhône : les digues tiennent")


def test_html_falls_back_to_the_heading_then_to_nothing() -> None:
    assert from_html("", ["River banks restored"], "") == "River banks restored"
    assert from_html("", [], "") == ""


# --- title_line: text input -----------------------------------------------------------------------

def test_scraper_title_line_without_site_name_is_kept() -> None:
    lines = ["River banks to be restored across the valley", "By Jane Doe", "Tuesday 3 February 2024", PARA, PARA]
    assert title_line(lines, 3) == 0


def test_scraper_title_line_is_kept_when_the_heading_right_below_differs() -> None:
    # region text: the article's head follows line 0 at once
    lines = ["Perfect Privacy Review", "Home » VPN Reviews", "Perfect Privacy VPN Review", *MENU,
             "Perfect Privacy homepage", PARA, PARA]
    assert title_line(lines, len(lines) - 2) == 0


def test_page_title_with_site_name_gives_way_to_the_agreeing_heading() -> None:
    lines = text("River banks restored in the valley | The Valley Times", "River banks restored in the whole valley")
    assert pick(lines) == "River banks restored in the whole valley"


def test_page_title_is_kept_when_no_heading_agrees() -> None:
    assert pick(text("River banks restored in the valley | The Valley Times", "Share", "Print")) == (
        "River banks restored in the valley")


def test_heading_past_the_menus_beats_a_bare_title() -> None:
    lines = text("7 Major Diet Trends for 2025, According to Nutritionists",
                 "The 7 Biggest Diet and Nutrition Trends in 2025, According to Nutritionists")
    assert pick(lines) == "The 7 Biggest Diet and Nutrition Trends in 2025, According to Nutritionists"


def test_weak_heading_past_the_menus_does_not_beat_a_bare_title() -> None:
    lines = text("Best Camping Hammocks of 2026", "Best Camping Chairs Reviewed")
    assert pick(lines) == "Best Camping Hammocks of 2026"
    lines = text("Best Camping Hammocks of 2026 | Clever Hiker", "Best Camping Chairs Reviewed")
    assert pick(lines) == "Best Camping Chairs Reviewed"  # with a site name, any agreement will do


def test_title_printed_again_is_line_0() -> None:
    lines = text("Wie Umweltzerstörung neue Epidemien begünstigt", "Wie Umweltzerstörung neue Epidemien begünstigt")
    assert title_line(lines, len(lines) - 2) == 0


def test_title_printed_again_past_the_menus_in_other_punctuation_is_the_heading() -> None:
    lines = text("Mobile UX Design - The Ultimate Guide 2025", "Mobile UX Design: The Ultimate Guide 2025")
    assert pick(lines) == "Mobile UX Design: The Ultimate Guide 2025"
    lines = ["Mobile UX Design - The Ultimate Guide 2025", "Mobile UX Design: The Ultimate Guide 2025", PARA, PARA]
    assert title_line(lines, 2) == 0  # right below line 0 (a scraper's region): line 0 stays the title


def test_heading_past_the_menus_that_line_0_begins_or_that_begins_with_it_is_the_title() -> None:
    lines = text("Tote Hummeln unter Linden: Die Erklärung", "Tote Hummeln unter Linden")
    assert pick(lines) == "Tote Hummeln unter Linden"
    lines = text("Leasing oder Finanzierung | Autohaus Müller", "Leasing oder Finanzierung – was lohnt sich mehr?")
    assert pick(lines) == "Leasing oder Finanzierung – was lohnt sich mehr?"
    lines = ["Tote Hummeln unter Linden: Die Erklärung", "Tote Hummeln unter Linden", PARA, PARA]
    assert title_line(lines, 2) == 0  # right below line 0: a section, line 0 stays


def test_heading_above_the_body_is_found_when_the_paragraph_pair_stands_far_below() -> None:
    # the body starts below the heading; the first two paragraphs close together come 60 lines later
    short = "A short paragraph of the article, one sentence only."
    lines = ["The Beginner's Guide to Gym Equipment - Urge Fitness | Gyms Near Me", *MENU,
             "The Beginner's Guide to Gym Equipment", short, *([short, "Treadmill"] * 30), PARA, PARA]
    assert title_line(lines, len(MENU) + 2) == len(MENU) + 1


@pytest.mark.parametrize(("first", "heading"), [
    ("The Fold-and-Cut Problem (Erik Demaine)", "The Fold-and-Cut Problem"),
    ("ENDIES Pt. 1: Tabletop Games | discodanlives", "ENDIES Pt. 1: Tabletop Games"),
    ("Garnix Blog: Hardware-Attested Nix Builds", "Hardware-Attested Nix Builds"),
    ("davidbau.com Vibe Coding", "Vibe Coding"),
    ("Coffee - University of Wisconsin-Stevens Point", "Coffee"),
    ("Как восстановить берега рек — Новости", "Как восстановить берега рек"),
    ("The Objective Dad - How I Built Robust Local DNS Services", "How I Built Robust Local DNS Services"),
    ("Gregory Szorc's Digital Home | Mercurial's Journey to Python 3", "Mercurial's Journey to Python 3"),
    ("Plumbers train as substitute teachers so teachers can protest a bill : NPR",
     "Plumbers train as substitute teachers so teachers can protest a bill"),
])
def test_heading_that_is_line_0_less_a_label_is_the_title(first: str, heading: str) -> None:
    assert pick(text(first, heading, menu=MENU[:3])) == heading


@pytest.mark.parametrize(("first", "heading"), [
    ("Exploring USB Commands – Gabriel Gonzalez – Cyber Security", "Gabriel Gonzalez – Cyber Security"),
    ("Book Reviews – The Writing Center", "The Writing Center"),
    ("Zeitphilosophie - Dr. Alexander Klier", "Dr. Alexander Klier"),
])
def test_a_site_name_after_the_title_is_no_title_less_a_label(first: str, heading: str) -> None:
    # "Site - Story" and "Story - Site" look alike: the part that reads like a name is the label
    assert not _label_around(first, heading)
    assert _label_around(first, first.split(" – ")[0].split(" - ")[0])


def test_a_numbered_section_is_no_title() -> None:
    lines = text("Top 11 SEO Strategies for 2025 | LuccaAM", "11. Leverage AI for Smarter SEO")
    assert pick(lines) != "11. Leverage AI for Smarter SEO"


def test_subtitle_after_a_colon_is_no_label() -> None:
    lines = ["Index Funds: How to Invest", "Index Funds", PARA, PARA]
    assert title_line(lines, 2) == 0
    assert not _label_around("Élections : le second tour approche", "Élections")  # French spacing, no label


def test_site_name_alone_is_no_heading() -> None:
    lines = text("Learn web development | web.dev", "web.dev", "Share this page")
    assert pick(lines) == "Learn web development"


def test_headline_above_a_byline_beats_a_page_title() -> None:
    lines = text("A Guide to Social Media Ecommerce | Sprout Social",
                 "How to use social media ecommerce effectively in 2025", "By Rebecca MacFarlane")
    assert pick(lines) == "How to use social media ecommerce effectively in 2025"
    lines = text("Firmenwagen: Leasen oder Finanzieren? | FinCompare", "Wann sich Leasing für Firmen lohnt",
                 "12.03.2022")
    assert pick(lines) == "Wann sich Leasing für Firmen lohnt"


def test_headline_above_a_byline_does_not_beat_a_bare_title() -> None:
    lines = text("Firmenwagen: Leasen oder Finanzieren?", "Wann sich Leasing für Firmen lohnt", "12.03.2022")
    assert pick(lines) == "Firmenwagen: Leasen oder Finanzieren?"


def test_sentences_and_teasers_are_no_headings() -> None:
    lines = text("Weinbergsbahnen nicht manipuliert – Ermittlungen gehen weiter",
                 "Weinbergsbahnen nicht manipuliert – Ermittlungen gehen…")
    assert pick(lines) == "Weinbergsbahnen nicht manipuliert – Ermittlungen gehen weiter"
    lines = text("River banks restored in the valley | The Valley Times",
                 "River banks restored in the valley, the minister said.")
    assert pick(lines) == "River banks restored in the valley"


def test_headings_after_the_first_prose_are_sections() -> None:
    lines = ["How to Design a Website: a Complete Guide for 2026", PARA, *MENU, "FAQ: How to Design a Website for 2026",
             PARA, PARA]
    assert title_line(lines, 1) == 0


def test_cookie_notice_kept_by_the_line_model_does_not_hide_the_heading() -> None:
    lines = ["River banks restored in the valley | The Valley Times", "Cookies", PARA, "Allow cookies", *MENU,
             "River banks restored in the whole valley", PARA_DE, PARA]
    assert title_line(lines, 2) == len(lines) - 3


def test_long_title_line_that_looks_like_a_byline_is_still_a_title() -> None:
    lines = ["Von der Leyen will Kriegsland Ukraine in EU holen - Österreich zahlt die Zeche - Unzensuriert", PARA,
             PARA]
    assert pick(lines) == "Von der Leyen will Kriegsland Ukraine in EU holen - Österreich zahlt die Zeche"


def test_no_title_line() -> None:
    assert title_line([], 0) is None
    assert title_line(["Skip to content", PARA], 1) is None
    assert title_line([" ".join(["word"] * 50), PARA], 1) is None


def test_looks_like_title() -> None:
    assert looks_like_title("Flussufer werden renaturiert")
    assert not looks_like_title("Share on Facebook")
    assert not looks_like_title(" ".join(["word"] * 41))


def test_a_quoted_sentence_is_no_heading() -> None:
    # a sentence ends at its period, also inside the closing quote: it is a paragraph, not the title
    quote = '"Finding wood this well preserved was a surprise," said Dr Lena Fischer. "It was sealed away."'
    assert pick(text(f"Science: {quote.replace(' ', '')}", quote, menu=MENU[:3])) != quote
    heading = quote.rstrip('."')
    assert pick(text(f"Science: {heading}", heading, menu=MENU[:3])) == heading
