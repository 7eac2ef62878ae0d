from django.db import migrations

CONSENT_V1 = {
    "en": (
        "Consent to massage treatment",
        "I am asking for massage treatment. I understand that massage is given for relaxation "
        "and relief of muscle tension, and that it does not replace medical diagnosis or "
        "treatment.\n\n"
        "I have answered the health questions truthfully and completely, as far as I know. "
        "I understand that my therapist relies on my answers to keep me safe, and that some "
        "answers may mean the massage has to be changed, postponed, or that I am asked to see "
        "a doctor first.\n\n"
        "I will tell my therapist straight away if anything hurts or feels wrong during the "
        "session, and I can ask to stop at any time.\n\n"
        "I will tell the clinic if my health, medicines or pregnancy change before a future "
        "visit.\n\n"
        "I understand that my answers are kept confidential by the clinic and are shared with "
        "my doctor only if I agree, or when the law requires it.",
    ),
    "es": (
        "Consentimiento para recibir masaje",
        "Solicito recibir un masaje. Entiendo que el masaje se da para relajar y aliviar la "
        "tensión muscular, y que no sustituye un diagnóstico ni un tratamiento médico.\n\n"
        "He contestado las preguntas de salud con la verdad y de forma completa, hasta donde "
        "sé. Entiendo que mi terapeuta confía en mis respuestas para cuidar mi seguridad, y "
        "que algunas respuestas pueden hacer que el masaje se cambie o se aplace, o que me "
        "pidan ver primero a un médico.\n\n"
        "Avisaré a mi terapeuta enseguida si algo me duele o no me siento bien durante la "
        "sesión, y puedo pedir que se detenga en cualquier momento.\n\n"
        "Avisaré a la clínica si mi salud, mis medicamentos o un embarazo cambian antes de "
        "otra visita.\n\n"
        "Entiendo que la clínica guarda mis respuestas de forma confidencial y que solo se "
        "comparten con mi médico si yo lo acepto, o cuando la ley lo exige.",
    ),
}


def seed(apps, schema_editor):
    ConsentText = apps.get_model("intake", "ConsentText")
    for language, (title, text) in CONSENT_V1.items():
        ConsentText.objects.get_or_create(
            version="2026-1", language=language, defaults={"title": title, "text": text}
        )


class Migration(migrations.Migration):
    dependencies = [("intake", "0002_kiosk_consent_signature")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
