"""Values the needs fixtures plant and the needs tests look for (not a test module).

Constants rather than fixtures: the tests assert on them as they are, and
``test_views.assert_private`` (a plain function) needs them too.
"""

#: The private contact of every need ``make_need`` creates: never public.
SECRET_PHONE = "13912345678"
SECRET_NAME = "保密支书甲"

#: A valid offer of help, as a society fills in the enquiry form.
ENQUIRY = {
    "kind": "society",
    "organisation": "周口市植物保护学会",
    "name": "赵老师",
    "phone": "138 0000 1234",
    "message": "我们可以派专家现场指导赤霉病防治。",
}
