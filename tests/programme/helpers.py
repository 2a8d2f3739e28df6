"""Values the programme fixtures plant and the programme tests look for (not a test module)."""

#: Phones planted on every private field the programme's records touch: never public.
EXPERT_PHONE = "13911110001"
LEADER_PHONE = "13911110002"
TECHNICIAN_PHONE = "13911110003"
NEED_PHONE = "13911110004"
ASSOCIATION_PHONE = "13911110005"
EXPERT_EMAIL = "secret-expert@example.cn"
#: A followed household's name: staff only, county scoped.
HOUSEHOLD_NAME = "保密户主乙"
TECHNICIAN_NAME = "县农技员丙"

PRIVATE_VALUES = (
    EXPERT_PHONE,
    LEADER_PHONE,
    TECHNICIAN_PHONE,
    NEED_PHONE,
    ASSOCIATION_PHONE,
    EXPERT_EMAIL,
    HOUSEHOLD_NAME,
    TECHNICIAN_NAME,
)


def assert_private(text: str) -> None:
    """No planted phone, e-mail, household or technician name in ``text``."""
    leaked = [value for value in PRIVATE_VALUES if value in text]
    assert not leaked, f"private data shown: {leaked}"
