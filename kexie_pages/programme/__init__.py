"""Follow-through of the programme after the match: agreements, key townships and
brand activities, and the liaison technicians' visits (跟踪联系服务)."""
