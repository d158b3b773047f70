from django.core.management.base import BaseCommand

from kyc.audit import Actor
from kyc.models import Country, Submission
from kyc.services.intake import submission_create

# A handful of cards: both countries, several MyKad-family types, clean scans, phone photos and one
# poor photo (to show low-confidence doubts), with and without a back image. Fixed seeds: every
# fresh install shows the same demo people.
# (country, synthetic card kind, seed, scene, with back image)
DEMO_CARDS = [
    (Country.MY, "MyKad", 1, "photo", True),
    (Country.MY, "MyPR", 2, "crop", True),
    (Country.MY, "MyKid", 3, "crop", False),
    (Country.MY, "MyKad", 4, "degraded", False),
    (Country.SG, "SG", 5, "photo", True),
    (Country.SG, "SG", 6, "crop", True),
]


class Command(BaseCommand):
    help = (
        "Load a few synthetic demo cards through the real intake and OCR pipeline, when there are no "
        "submissions yet. A worker (make run starts one) reads them into the review queue."
    )

    def handle(self, *args, **options):
        if Submission.objects.exists():
            self.stdout.write("Submissions exist; no demo data loaded.")
            return
        # Imported here: the generator pulls in fonts and image code that no other command needs.
        from ocr.synth import generate_card

        for country, kind, seed, scene, with_back in DEMO_CARDS:
            front, _ = generate_card(kind, seed, side="front", scene=scene)
            back = generate_card(kind, seed, side="back", scene=scene)[0] if with_back else None
            submission = submission_create(
                country=country, front=front, back=back, external_ref=f"demo-{seed}", actor=Actor.system()
            )
            self.stdout.write(f"  {submission.external_ref}: queued for OCR")
        self.stdout.write(f"Loaded {len(DEMO_CARDS)} synthetic demo submissions.")
