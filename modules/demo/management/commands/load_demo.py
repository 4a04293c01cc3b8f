"""Load the demo data in `fixtures/demo.yaml`: teams, users, companies, persons, deals.

Idempotent: does nothing when companies exist already. Records are made
through RecordService, like any user's, from a fixed random seed.
"""

import random
from datetime import timedelta
from pathlib import Path

import yaml
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from modules.accounts.models import Membership, Team
from modules.metamodel.runtime import bind, get_model
from modules.records.services import RecordService
from modules.relations.models import Relation, RelationType
from modules.relations.services import RelationService
from modules.sales.process import ProcessService

VISIBILITY_MIX, VISIBILITY_WEIGHTS = ("public", "non_public", "hidden"), (80, 15, 5)
COUNTS = {"companies": 200, "persons": 500, "deals": 100, "spaces": 10}


class Command(BaseCommand):
    help = "Load demo teams, users and ~800 records from fixtures/demo.yaml (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--file", default=str(Path(settings.BASE_DIR) / "fixtures" / "demo.yaml")
        )

    def handle(self, *args, **options):
        data = yaml.safe_load(Path(options["file"]).read_text(encoding="utf-8"))
        with bind():
            if get_model("companies").objects.exists():
                self.stdout.write("demo data already loaded")
                return
            with transaction.atomic():
                users = self._people(data)
                self._records(data, users, random.Random(2026))
        self.stdout.write(
            f"demo data loaded: {len(users)} users, "
            + ", ".join(f"{n} {k}" for k, n in COUNTS.items())
        )

    def _people(self, data) -> list:
        user_model = get_user_model()
        admin_data = data["admin"]
        admin, _created = user_model.objects.get_or_create(
            username=admin_data["username"],
            defaults={**admin_data, "is_staff": True, "is_superuser": True},
        )
        admin.set_password(data["password"])
        admin.save()
        teams: dict[str, Team] = {}
        for team in data["teams"]:
            teams[team["name"]], _ = Team.objects.get_or_create(
                name=team["name"], defaults={"parent": teams.get(team["parent"])}
            )
        users = []
        for spec in data["users"]:
            user, _ = user_model.objects.get_or_create(
                username=spec["username"],
                defaults={k: spec[k] for k in ("first_name", "last_name", "email")},
            )
            user.set_password(data["password"])
            user.save()
            Membership.objects.get_or_create(
                user=user, team=teams[spec["team"]], defaults={"role": spec["role"]}
            )
            users.append(user)
        return users

    def _records(self, data, users, rnd: random.Random) -> None:
        service = RecordService()
        companies = self._companies(service, data, users, rnd)
        persons = self._persons(service, data, companies, rnd)
        self._deals(service, data, companies, persons, rnd)
        spaces = self._spaces(service, data, users, companies, rnd)
        self._relations(companies, spaces, rnd)

    def _companies(self, service, data, users, rnd: random.Random) -> list:
        company_data = data["companies"]
        names = [
            f"{p} {s}" for p in company_data["name_prefixes"] for s in company_data["name_suffixes"]
        ]
        rnd.shuffle(names)
        companies = []
        for i in range(COUNTS["companies"]):
            owner = rnd.choice(users)
            companies.append(
                service.create(
                    owner,
                    "companies",
                    {
                        "name": f"{names[i]} {rnd.choice(company_data['legal_forms'])}",
                        "tax_number": f"{rnd.randint(100, 999)}-{rnd.randint(100, 999)}-"
                        f"{rnd.randint(10, 99)}-{i:02d}",
                        "city": rnd.choice(company_data["cities"]),
                        "street": f"{rnd.choice(company_data['streets'])} {rnd.randint(1, 120)}",
                        "employees": rnd.choice([5, 12, 40, 80, 150, 400, 1200]),
                        "sales_potential": rnd.randint(0, 100),
                        "annual_revenue": {
                            "amount": rnd.randint(1, 500) * 100000,
                            "currency": "PLN",
                        },
                    },
                )
            )
        return companies

    def _persons(self, service, data, companies, rnd: random.Random) -> list:
        person_data = data["persons"]
        persons = []
        for _ in range(COUNTS["persons"]):
            first, last = (
                rnd.choice(person_data["first_names"]),
                rnd.choice(person_data["last_names"]),
            )
            company = rnd.choice(companies)
            values = {
                "first_name": first,
                "last_name": last,
                "email": f"{first}.{last}{rnd.randint(1, 999)}@example.com".lower()
                .encode("ascii", "ignore")
                .decode(),
                "phone": f"+48 {rnd.randint(500, 899)} {rnd.randint(100, 999)} "
                f"{rnd.randint(100, 999)}",
                "position": rnd.choice(person_data["positions"]),
                "company": company.pk,
                "sales_potential": rnd.randint(0, 100),
            }
            # Some contacts are non-public or hidden, to show record visibility.
            visibility = rnd.choices(VISIBILITY_MIX, weights=VISIBILITY_WEIGHTS)[0]
            person = service.create(company.owner, "persons", values)
            if visibility != person.visibility:
                # Hidden afterwards, as its owner may: creating it hidden needs
                # change_visibility, which Users lack.
                person = service.update(
                    company.owner, "persons", person.pk, {}, visibility=visibility
                )
            persons.append(person)
        return persons

    def _deals(self, service, data, companies, persons, rnd: random.Random) -> None:
        stages = ["lead", "qualified", "proposal", "negotiation", "won", "lost"]
        process = ProcessService()
        for _ in range(COUNTS["deals"]):
            company = rnd.choice(companies)
            product = rnd.choice(data["deals"]["products"])
            template = rnd.choice(data["deals"]["name_templates"])
            stage = rnd.choice(stages)
            deal = service.create(
                company.owner,
                "deals",
                {
                    "name": template.format(product=product, company=company.name)[:255],
                    "company": company.pk,
                    # A contact the deal's owner may see (theirs, or not hidden).
                    "contact": rnd.choice(
                        [
                            p
                            for p in persons
                            if p.visibility != "hidden" or p.owner_id == company.owner_id
                        ]
                    ).pk,
                    "value": {"amount": rnd.randint(5, 500) * 1000, "currency": "PLN"},
                    "process_stage": stage if stage not in ("won", "lost") else "negotiation",
                    "expected_close_date": (
                        timezone.localdate() + timedelta(days=rnd.randint(-60, 180))
                    ).isoformat(),
                },
            )
            if stage == "won":
                for key in ("first_contact", "budget_confirmed", "offer_sent", "terms_agreed"):
                    process.complete(company.owner, "deals", deal.pk, key, note="Done.")
                process.win(company.owner, "deals", deal.pk)
            elif stage == "lost":
                process.lose(company.owner, "deals", deal.pk, rnd.choice(["price", "competitor"]))

    def _spaces(self, service, data, users, companies, rnd: random.Random) -> list:
        spaces = []
        for name in data["spaces"]["names"][: COUNTS["spaces"]]:
            client = rnd.choice(companies)
            spaces.append(
                service.create(
                    rnd.choice(users),
                    "spaces",
                    {"name": name, "client": client.pk, "status": "active"},
                )
            )
        return spaces

    def _relations(self, companies: list, spaces: list, rnd: random.Random) -> None:
        """A few headquarters with branches, competitors and partners; project clients."""
        types = {t.key: t.pk for t in RelationType.objects.alive().exclude(key=None)}
        relations = RelationService()
        if "headquarters_branch" in types:
            for head in range(0, 12, 4):
                for branch in companies[head + 1 : head + 4]:
                    relations.add(
                        None,
                        "companies",
                        companies[head].pk,
                        types["headquarters_branch"],
                        branch.pk,
                        side="source",
                    )
        for key in ("competitors", "partners"):
            if key in types:
                for _pair in range(15):
                    a, b = rnd.sample(companies[12:], 2)
                    if not Relation.objects.filter(
                        relation_type_id=types[key],
                        source_id=min(a.pk, b.pk),
                        target_id=max(a.pk, b.pk),
                    ).exists():
                        relations.add(None, "companies", a.pk, types[key], b.pk)
        if "project_client" in types:
            for space in spaces:
                relations.add(None, "spaces", space.pk, types["project_client"], space.client_id)
