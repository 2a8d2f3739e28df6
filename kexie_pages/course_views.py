"""The public sign-up view of a course page (routed by ``CoursePage``)."""

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.views.decorators.http import require_POST

from .course_forms import CourseRegistrationForm
from .course_services import RegistrationRefused, course_register
from .models.courses import CoursePage


@require_POST
def course_register_view(request: HttpRequest, *, course: CoursePage) -> HttpResponse:
    """Take a sign-up; on success redirect back to the course with the outcome.

    The redirect carries only ``confirmed`` or ``waitlisted``: never a name or
    a phone number, so nothing personal lands in logs, history or caches.
    """
    if not course.registration_required:
        raise Http404
    form = CourseRegistrationForm(request.POST)
    if form.is_valid():
        try:
            registration = course_register(course=course, **form.cleaned_data)
        except RegistrationRefused as refusal:
            form.add_error(None, refusal)
        else:
            return HttpResponseRedirect(
                f"{course.url}?signup={registration.status}#signup"
            )
    response = course.render(request, context_overrides={"registration_form": form})
    response.status_code = 400
    return response
