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
