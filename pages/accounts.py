"""账户管理 (administrators only): the accounts within the administrator's
scope — add, change role and scope, reset a password, disable — and the
audit log of that scope, with its export.  The rules (nobody grants a role
above their own or a scope outside it) are etl/accounts.py's; this page only
lays out the forms, and every change or refusal lands in the audit log."""
from datetime import datetime, timedelta

import pandas as pd
import streamlit as st

from dashboard.strings import column_label, t
from dashboard.ui import auth, entry
from dashboard.ui.sidebar import current_lang
from dashboard.ui.widgets import csv_bytes
from etl import accounts, audit
from etl import scope as scopes

K_DONE = "accounts_done"

entry.through_app()
lang = current_lang()
st.title(t("page.accounts", lang))
admin = auth.require("admin", lang)
units = accounts.known_units()


def unit_label(code: str) -> str:
    return f"{units.get(code, code)} {code}"


def role_label(role: str) -> str:
    return t(f"role.{role}", lang)


roles = [r for r in accounts.ROLES if admin.has_role(r)]
scope_codes = [code for code in sorted(units, key=lambda c: (len(c), c))
               if scopes.within(code, admin.scope_code)]
st.caption(t("accounts.scope_note", lang, scope=unit_label(admin.scope_code)))
done = st.session_state.pop(K_DONE, None)
if done:
    st.success(t("accounts.done", lang, what=auth.md_safe(done)))


def attempt(what: str, target: str, change) -> None:
    """Run an account change; a refusal is shown and logged."""
    try:
        change()
    except accounts.AccountError as refused:
        accounts.refuse(admin, refused, target)
        st.error(refused.message(lang))
        return
    st.session_state[K_DONE] = what
    st.rerun()


def localised(frame: pd.DataFrame) -> pd.DataFrame:
    shown = frame.copy()
    if "role" in shown:
        shown["role"] = shown["role"].map(role_label)
    if "scope_code" in shown:
        shown.insert(shown.columns.get_loc("scope_code"), "scope_name",
                     shown["scope_code"].map(lambda c: units.get(c, c)))
    return shown.rename(columns=lambda c: column_label(c, lang))


listing_tab, add_tab, audit_tab = st.tabs([t(f"accounts.tab.{k}", lang)
                                           for k in ("accounts", "add", "audit")])

with listing_tab:
    listed = accounts.list_accounts(scope=admin.scope_code)
    if len(listed) <= 1:
        st.info(t("accounts.none", lang))
    st.dataframe(localised(listed), hide_index=True)
    manageable = [a for a in listed.itertuples(index=False) if accounts.Account(*a).role in roles]
    if manageable:
        names = [a.username for a in manageable]
        chosen = accounts.get(st.selectbox(t("accounts.pick", lang), names, key="accounts_pick"))
        # Keyed by the account: switching accounts must not carry the last one's choices over.
        with st.form(f"accounts_edit:{chosen.username}"):
            role = st.selectbox(t("accounts.role", lang), roles, index=roles.index(chosen.role),
                                format_func=role_label, key=f"accounts_edit_role:{chosen.username}")
            scope_code = st.selectbox(t("accounts.scope", lang), scope_codes,
                                      index=scope_codes.index(chosen.scope_code)
                                      if chosen.scope_code in scope_codes else 0,
                                      format_func=unit_label, key=f"accounts_edit_scope:{chosen.username}")
            email = st.text_input(t("accounts.email", lang), value=chosen.email or "",
                                  key=f"accounts_edit_email:{chosen.username}")
            if st.form_submit_button(t("accounts.save", lang), key="accounts_save"):
                attempt(chosen.username, chosen.username, lambda: accounts.update(
                    chosen.username, by=admin, role=role, scope_code=scope_code, email=email or None))
        with st.form(f"accounts_password:{chosen.username}"):
            password = st.text_input(t("accounts.new_password", lang), type="password",
                                     key="accounts_reset_password")
            again = st.text_input(t("auth.password_again", lang), type="password",
                                  key="accounts_reset_again")
            if st.form_submit_button(t("accounts.set_password", lang), key="accounts_set_password"):
                def reset():
                    if password != again:
                        raise accounts.AccountError("passwords_differ")
                    accounts.set_password(chosen.username, password, by=admin)
                attempt(chosen.username, chosen.username, reset)
        if chosen.username != admin.username:
            toggle = "accounts.enable" if chosen.disabled else "accounts.disable"
            if st.button(t(toggle, lang), key="accounts_toggle"):
                attempt(chosen.username, chosen.username, lambda: accounts.set_disabled(
                    chosen.username, not chosen.disabled, by=admin))

with add_tab:
    with st.form("accounts_add"):
        username = st.text_input(t("auth.username", lang), key="accounts_new_username")
        display_name = st.text_input(t("auth.display_name", lang), key="accounts_new_name")
        role = st.selectbox(t("accounts.role", lang), roles, format_func=role_label,
                            key="accounts_new_role")
        scope_code = st.selectbox(t("accounts.scope", lang), scope_codes, format_func=unit_label,
                                  key="accounts_new_scope")
        email = st.text_input(t("accounts.email", lang), key="accounts_new_email")
        password = st.text_input(t("auth.password", lang), type="password", key="accounts_new_password")
        again = st.text_input(t("auth.password_again", lang), type="password", key="accounts_new_again")
        if st.form_submit_button(t("accounts.create", lang), type="primary", key="accounts_create"):
            def create():
                if password != again:
                    raise accounts.AccountError("passwords_differ")
                accounts.add(username, password or None, role=role, scope_code=scope_code, by=admin,
                             display_name=display_name, email=email or None)
            attempt(username, username, create)

with audit_tab:
    action_column, days_column = st.columns(2)
    action = action_column.selectbox(t("accounts.audit_filter", lang), [None, *audit.ACTIONS],
                                     format_func=lambda a: t("accounts.audit_all", lang) if a is None else a,
                                     key="accounts_audit_action")
    days = days_column.number_input(t("accounts.audit_days", lang), min_value=1, max_value=3660,
                                    value=30, key="accounts_audit_days")
    log = audit.entries(since=datetime.now() - timedelta(days=int(days)), action=action,
                        scope=admin.scope_code)
    st.caption(t("accounts.audit_count", lang, count=f"{len(log):,}"))
    st.dataframe(log.rename(columns=lambda c: column_label(c, lang)), hide_index=True)
    st.download_button(t("accounts.audit_export", lang),
                       lambda: csv_bytes(log),   # a typed-in user name may be "=HYPERLINK(…)"
                       file_name=f"audit_{datetime.now():%Y%m%d}.csv", mime="text/csv",
                       key="accounts_audit_csv", on_click=auth.record,
                       args=("export", "audit log"),
                       kwargs={"detail": f"{len(log)} entries, {int(days)} days, {action or 'all'}"})
