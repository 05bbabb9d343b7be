"""The browser-facing security headers of every response: a strict Content-Security-Policy (django-csp),
a Permissions-Policy that turns off the powerful features no page uses (django-permissions-policy), and
Django's own nosniff, referrer and opener policies, stated here rather than left to defaults."""

from csp.constants import NONE, SELF

# No inline script, style or event handler anywhere: pages load /static/ only, and so does the Django admin.
# The one exception is narrower than the site: Swagger UI at /api/docs/ draws its icons as data: images, and
# config/api_urls.py adds img-src data: to that view alone (its init script has a URL of its own, the split
# view). Responses that set a policy of their own keep it (document downloads send a stricter
# "default-src 'none'; sandbox"): CSPMiddleware never overwrites an existing header.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# Features no page of Körpü uses, off for the page and anything it might embed.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "display-capture",
        "encrypted-media",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "local-fonts",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
}

# Django's defaults, stated so that a change is a visible decision (SecurityMiddleware sends them).
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
