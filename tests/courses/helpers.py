"""Values the courses fixtures use and the courses tests look for (not a test module).

Constants rather than fixtures: the tests compare against them as they are.
"""

from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")
#: The phone ``sign_up`` uses unless told otherwise: never public.
PHONE = "13812345678"
