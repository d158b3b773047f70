from django.core.management.base import BaseCommand

from kyc.audit import Actor
from kyc.models import Country, Submission
from kyc.services.intake import submission_create

# A handful of cards, both countries, with and without a back image. Fixed seeds: every fresh
# install shows the same demo people.
DEMO_CARDS = [
    (Country.MY, 1, True),
    (Country.MY, 2, True),
    (Country.MY, 3, False),
    (Country.SG, 4, True),
    (Country.SG, 5, True),
    (Country.SG, 6, True),
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
        from ocr import synth

        for country, seed, with_back in DEMO_CARDS:
            card = synth.generate_card(country=country, seed=seed)
            submission = submission_create(
                country=country,
                front=card.front,
                back=card.back if with_back else None,
                external_ref=f"demo-{country.lower()}-{seed}",
                actor=Actor.system(),
            )
            self.stdout.write(f"  {submission.external_ref}: queued for OCR")
        self.stdout.write(f"Loaded {len(DEMO_CARDS)} synthetic demo submissions.")
