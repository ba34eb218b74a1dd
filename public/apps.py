from django.apps import AppConfig


class PublicConfig(AppConfig):
    name = "public"
    verbose_name = "เว็บไซต์สาธารณะ"

    def ready(self) -> None:
        from django.urls import reverse

        from publication.registry import PUBLIC_PATHS

        def file_path(code: str, year: int, kind: str, revision: int, number: int) -> str:
            return reverse(
                "public:document_file",
                kwargs={
                    "code": code,
                    "year": year,
                    "kind": kind,
                    "revision": revision,
                    "number": number,
                },
            )

        PUBLIC_PATHS.file = file_path

        from documents.registry import PUBLISHED, PublishedLink
        from publication.models import Publication

        def published(organisation, fiscal_year: int) -> list[PublishedLink]:
            """The latest live revision of each document (each round) of the year."""
            latest: dict[tuple[str, str], PublishedLink] = {}
            rows = (
                Publication.objects.live()
                .filter(organisation=organisation, fiscal_year=fiscal_year)
                .exclude(kind="memo")
                .order_by("kind", "variant", "-revision")
                .values_list("kind", "variant", "variant_label", "revision", "published_at")
            )
            for kind, variant, variant_label, revision, published_at in rows:
                if (kind, variant) in latest:
                    continue
                args = [organisation.code, fiscal_year, kind]
                url = (
                    reverse("public:document_variant", args=[*args, variant])
                    if variant
                    else reverse("public:document", args=args)
                )
                latest[(kind, variant)] = PublishedLink(
                    kind, variant_label, revision, published_at, url
                )
            return list(latest.values())

        PUBLISHED.append(published)

        # Once a publication, a withdrawal or an import is committed, its organisations' pages
        # are rendered again on the queue (public.warming).
        from ita_portal.public_cache import WARMERS

        from .warming import warm_enqueue

        if warm_enqueue not in WARMERS:
            WARMERS.append(warm_enqueue)
