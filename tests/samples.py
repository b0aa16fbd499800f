"""Real files of every supported type, written by the tests themselves, each with one fact."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


@dataclass(frozen=True)
class Sample:
    path: Path
    fact: str
    question: str
    answer: str
    page: int | None = None


FILLER = "This page describes {t} step {i} in detail, with generic advice for the owner."
TOPICS = ("unpacking", "safety", "the battery", "the network", "cleaning", "storage", "repairs")


def make_pdf(path: Path, pages: dict[int, str], total: int = 8) -> Path:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_font("dejavu", fname=str(FONT))
    pdf.set_font("dejavu", size=12)
    for number in range(1, total + 1):
        pdf.add_page()
        topic = TOPICS[number % len(TOPICS)]
        filler = " ".join(FILLER.format(t=topic, i=i) for i in range(5))
        pdf.multi_cell(0, 8, pages.get(number, f"{topic.title()}. {filler}"))
    pdf.output(str(path))
    return path


def make_docx(path: Path, sections: dict[str, str]) -> Path:
    import docx

    document = docx.Document()
    document.core_properties.title = "Trip plans"
    for heading, text in sections.items():
        document.add_heading(heading, level=1)
        document.add_paragraph(text)
    document.save(str(path))
    return path


def make_epub(path: Path, chapters: dict[str, str]) -> Path:
    from ebooklib import epub

    book = epub.EpubBook()
    book.set_identifier("mnemo-test-book")
    book.set_title("Stories of the coast")
    book.set_language("en")
    items = []
    for number, (title, text) in enumerate(chapters.items(), start=1):
        chapter = epub.EpubHtml(title=title, file_name=f"c{number}.xhtml", lang="en")
        chapter.content = f"<html><body><h1>{title}</h1><p>{text}</p></body></html>"
        book.add_item(chapter)
        items.append(chapter)
    book.toc = tuple(items)
    book.add_item(epub.EpubNcx())
    book.add_item(epub.EpubNav())
    book.spine = items
    epub.write_epub(str(path), book)
    return path


def make_photo(path: Path, text: str, size: tuple[int, int] = (1200, 260)) -> Path:
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("RGB", size, (236, 230, 218))
    draw = ImageDraw.Draw(image)
    draw.multiline_text(
        (40, 60), text, fill=(30, 30, 40), font=ImageFont.truetype(str(FONT), 40), spacing=20
    )
    exif = image.getexif()
    exif[0x0132] = "2026:11:20 08:12:00"
    image.rotate(1.5, expand=True, fillcolor=(220, 220, 220)).save(
        path, "JPEG", quality=85, exif=exif
    )
    return path


def every_type(folder: Path) -> list[Sample]:
    """One sample file of each supported type, each holding a fact to ask about."""
    folder.mkdir(parents=True, exist_ok=True)
    voltage = (
        "Power supply. The manual recommends a supply voltage of 24 volts DC for the "
        "Model X-200 controller. Never exceed 28 volts."
    )
    html = (
        "<html><head><title>Cabin</title><script>var SCRIPT_ONLY_TEXT = 1;</script></head>"
        "<body><h1>Cabin notes</h1><h2>Internet</h2>"
        "<p>The Wi-Fi password at the cabin is otter-lantern-58.</p>"
        "<h2>Heating</h2><p>The stove needs dry birch logs.</p></body></html>"
    )
    markdown = (
        "# Garden\n\nNotes on the vegetable garden.\n\n## Tomatoes\n\n"
        "The tomato seeds were planted on April 14.\n\n"
        "## Beans\n\n- climbing beans\n- water daily\n"
    )
    (folder / "cabin.html").write_text(html)
    (folder / "garden.md").write_text(markdown)
    (folder / "dentist.txt").write_text(
        "Dentist appointment: Dr. Alvarez, Thursday at 9:30, clinic on Rua Augusta.\n"
    )
    return [
        Sample(
            make_pdf(folder / "manual.pdf", {5: voltage}),
            voltage,
            "What supply voltage does the manual recommend for the X-200 controller?",
            "24",
            page=5,
        ),
        Sample(
            make_docx(
                folder / "trip.docx",
                {
                    "Flights": "We fly out on the morning flight and come back on Sunday.",
                    "Hotel": "The hotel in Lisbon is called Casa Azul.",
                },
            ),
            "The hotel in Lisbon is called Casa Azul.",
            "What is the name of the hotel in Lisbon?",
            "Casa Azul",
        ),
        Sample(
            make_epub(
                folder / "stories.epub",
                {
                    "The harbour": "Fishing boats leave the harbour before dawn every day.",
                    "The lighthouse": "The lighthouse keeper's cat was named Biscuit.",
                },
            ),
            "The lighthouse keeper's cat was named Biscuit.",
            "What was the name of the lighthouse keeper's cat?",
            "Biscuit",
        ),
        Sample(
            folder / "cabin.html",
            "The Wi-Fi password at the cabin is otter-lantern-58.",
            "What is the Wi-Fi password at the cabin?",
            "otter-lantern-58",
        ),
        Sample(
            folder / "garden.md",
            "The tomato seeds were planted on April 14.",
            "When were the tomato seeds planted?",
            "April 14",
        ),
        Sample(
            folder / "dentist.txt",
            "Dentist appointment: Dr. Alvarez, Thursday at 9:30",
            "What is the name of my dentist?",
            "Alvarez",
        ),
        Sample(
            make_photo(folder / "parking.jpg", "Parking level B3, spot 117.\nExit via lift C."),
            "Parking level B3, spot 117.",
            "Which parking spot is the car in?",
            "117",
        ),
    ]


# A week of short notes as a person sends them, in four languages, in the order sent:
# (day from Monday, hour, text). Gathering tests ask what a diary is asked about it.
DIARY_WEEK = [
    (0, 9, "Breakfast: porridge"),
    (1, 8, "Breakfast: toast with jam"),
    (1, 13, "Lunch: tomato soup and a grilled cheese sandwich"),
    (1, 18, "Paid the plumber 85 euros"),
    (1, 20, "Dinner: lentil stew"),
    (1, 21, "The cabin roof needs new shingles"),
    (2, 9, "Ужин у бабушки в субботу в 19:00"),
    (2, 13, "Обед: борщ"),
    (2, 19, "Went jogging"),
    (3, 10, "周四上午和李伟见面喝咖啡"),
    (3, 19, "Went jogging"),
    (4, 18, "Electricity bill: 64.30 euros"),
    (4, 21, "Cabin key is with the neighbour, Mr. Olsen"),
    (5, 11, "Hiked to Peñalara peak with Tom, 14 km."),
    (6, 19, "Went jogging"),
    (6, 20, "Painted the cabin porch green"),
]
