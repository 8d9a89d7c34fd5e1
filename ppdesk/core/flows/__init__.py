"""The post-purchase flows (L2 cross-sell, L3 replenishment and review, L4 loyalty).

``planner.plan`` decides; ``outbox`` holds the merchant's actions on messages;
``suppressions`` the do-not-email list. Sending lives in ``ppdesk.core.sending``.
"""
