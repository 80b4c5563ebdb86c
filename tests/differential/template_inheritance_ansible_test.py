#!/usr/bin/python3
"""Template inheritance and includes in the template module against
ansible-playbook 2.14 (two local hosts): {% extends %}, {% include %} and
{% import %} found on Ansible's template searchpath (the role's templates/
and the role dir, the playbook's templates/ and dir, the template's own
dir), blocks, super() and self, and a missing parent template (the host
fails). Each rendered file is shown by a debug task, so its content is
compared too; the template lookup loads from its own searchpath."""
import sys

import semantics_lib

SHOW = """
    - debug: {msg: "{{ lookup('file', playbook_dir + '/out-' + inventory_hostname + '.txt') }}"}
"""
# Each tool must find no output file left by the other.
CLEAN = """
    - file: {path: "{{ playbook_dir }}/out-{{ inventory_hostname }}.txt", state: absent}
"""


def play(src, extra=""):
    return ("- hosts: all\n  gather_facts: false\n  tasks:\n"
            "    - template: {src: %s, dest: \"{{ playbook_dir }}/out-{{ inventory_hostname }}.txt\"}\n"
            % src) + SHOW + extra + CLEAN


BASE = ("<html>\n<head>{% block head %}<title>{% block title %}T{% endblock %}</title>{% endblock %}</head>\n"
        "<body>{% block body %}{% endblock %}</body>\n</html>\n")

CASES = [
    ("extends and include from the playbook's templates/", {
        "site.yml": play("page.j2"),
        "templates/base.j2": BASE,
        "templates/page.j2": ("{% extends 'base.j2' %}\n{% block title %}{{ inventory_hostname }} - {{ super() }}{% endblock %}\n"
                              "{% block body %}\n{% include 'nav.j2' %}\n{{ self.title() }}\n{% endblock %}\n"),
        "templates/nav.j2": "<nav>{% for h in groups['all'] %}{{ h }} {% endfor %}</nav>\n",
    }, [], {}),
    ("three levels, top-level set and macros in the child", {
        "site.yml": play("leaf.j2"),
        "templates/base.j2": BASE,
        "templates/mid.j2": "{% extends 'base.j2' %}{% block body %}[mid {{ super() }}]{% endblock %}",
        "templates/leaf.j2": ("{% extends 'mid.j2' %}{% set who = inventory_hostname | upper %}"
                              "{% macro li(x) %}<li>{{ x }}</li>{% endmacro %}"
                              "{% block body %}{{ li(who) }}{{ super() }}{% endblock %}"),
    }, [], {}),
    ("a role's template extends a layout of the role and one of the playbook", {
        "site.yml": "- hosts: all\n  gather_facts: false\n  roles: [web]\n",
        "roles/web/tasks/main.yml": (
            "- template: {src: page.j2, dest: \"{{ playbook_dir }}/out-{{ inventory_hostname }}.txt\"}\n"
            "- debug: {msg: \"{{ lookup('file', playbook_dir + '/out-' + inventory_hostname + '.txt') }}\"}\n"
            "- template: {src: other.j2, dest: \"{{ playbook_dir }}/out-{{ inventory_hostname }}.txt\"}\n"
            "- debug: {msg: \"{{ lookup('file', playbook_dir + '/out-' + inventory_hostname + '.txt') }}\"}\n"
            "- file: {path: \"{{ playbook_dir }}/out-{{ inventory_hostname }}.txt\", state: absent}\n"),
        "roles/web/templates/layout.j2": "role layout {% block c %}default{% endblock %}\n",
        "roles/web/templates/page.j2": "{% extends 'layout.j2' %}{% block c %}page for {{ inventory_hostname }}{% endblock %}",
        "roles/web/templates/other.j2": "{% extends 'site_base.j2' %}{% block c %}from role{% endblock %}",
        "templates/site_base.j2": "site base [{% block c %}{% endblock %}]\n",
    }, [], {}),
    ("a template in a subdirectory includes by searchpath and next to itself", {
        "site.yml": play("sub/x.j2"),
        "templates/sub/x.j2": "{% include 'sub/y.j2' %}+{% include 'z.j2' %}+{% import 'sub/m.j2' as m %}{{ m.hi() }}\n",
        "templates/sub/y.j2": "y",
        "templates/sub/z.j2": "z",
        "templates/sub/m.j2": "{% macro hi() %}hi {{ inventory_hostname }}{% endmacro %}",
    }, [], {}),
    ("the template lookup extends and includes on its searchpath", {
        "site.yml": ("- hosts: all\n  gather_facts: false\n  tasks:\n"
                     "    - debug: {msg: \"{{ lookup('template', 'page.j2') }}\"}\n"
                     "    - debug: {msg: \"{{ lookup('template', 'sub/inc.j2') }}\"}\n"),
        "templates/base.j2": BASE,
        "templates/page.j2": "{% extends 'base.j2' %}{% block body %}{{ inventory_hostname }}{% endblock %}",
        "templates/sub/inc.j2": "[{% include 'near.j2' %}]",
        "templates/sub/near.j2": "near {{ inventory_hostname }}",
    }, [], {}),
    ("a missing parent template fails the host", {
        "site.yml": play("orphan.j2", "    - debug: {msg: after}\n"),
        "templates/orphan.j2": "{% extends 'nowhere.j2' %}",
    }, [], {}),
    ("required block not overridden fails the host", {
        "site.yml": play("c.j2"),
        "templates/r.j2": "[{% block must required %}{% endblock %}]",
        "templates/c.j2": "{% extends 'r.j2' %}",
    }, [], {}),
]

if __name__ == "__main__":
    sys.exit(semantics_lib.main("template inheritance", CASES))
