#!/usr/bin/env python3
"""Writes drover.1 (roff) from the --help of drover and of each of its commands.

Usage: man_page.py DROVER VERSION LINKS_DIR OUTPUT

The page is generated at build time (dist/meson.build) so it never drifts from
the binary: the commands are the ones `drover --help` lists, each command's
section is its own --help, and `drover vault`'s subcommands get theirs too.
"""
import re
import subprocess
import sys

OPTION = re.compile(r"^ {1,4}(\S.*?)(?: {2,}(\S.*))?$")  # "  -x,--foo TEXT   desc"
CONTINUATION = re.compile(r"^ {8,}(\S.*)$")  # a description wrapped under its option


def help_text(drover, *args):
    """The --help of `drover ARGS`, run without the caller's ansible.cfg."""
    env = {"PATH": "/usr/bin:/bin", "ANSIBLE_CONFIG": "/dev/null", "LC_ALL": "C.UTF-8"}
    out = subprocess.run([drover, *args, "--help"], check=True, capture_output=True,
                         text=True, env=env).stdout
    return out.rstrip("\n").splitlines()


def esc(text):
    """Roff-escapes one line of text: backslashes, hyphens, a leading dot or quote."""
    text = text.replace("\\", "\\e").replace("-", "\\-")
    return "\\&" + text if text[:1] in (".", "'") else text


def section(lines):
    """Roff for one --help: prose as paragraphs, option lists as tagged paragraphs."""
    out, in_list = [], False
    for line in lines:
        if not line.strip():
            out.append(".PP")
            in_list = False
            continue
        cont = CONTINUATION.match(line)
        if cont and in_list:
            out.append(esc(cont.group(1)))
            continue
        opt = OPTION.match(line)
        if opt and line.startswith(" "):
            out += [".TP", "\\fB" + esc(opt.group(1)) + "\\fR"]
            if opt.group(2):
                out.append(esc(opt.group(2)))
            in_list = True
            continue
        if line.endswith(":") and not line.startswith(" "):
            out += [".PP", "\\fB" + esc(line) + "\\fR"]
            in_list = True
            continue
        if line.startswith((" ", "Usage:")):  # a usage line keeps its own line
            out.append(".br")
        out.append(esc(line.strip()))
        in_list = False
    return out


def listed(lines, header):
    """The first word of each indented line under HEADER ("Commands:") in a --help."""
    names, inside = [], False
    for line in lines:
        if line.strip() == header:
            inside = True
        elif inside and line.startswith("  ") and line.strip():
            names.append(line.split()[0])
        elif inside and not line.strip() and names:
            break
    return names


def page(drover, version, links_dir):
    top = help_text(drover)
    out = [
        f'.TH DROVER 1 "" "drover {version}" "User Commands"',
        ".SH NAME",
        "drover \\- an agentless provisioning engine that runs Ansible projects unchanged",
        ".SH SYNOPSIS",
        "\\fBdrover\\fR \\fIcommand\\fR [\\fIoptions\\fR]",
        ".br",
        "\\fBdrover\\fR \\fB\\-\\-help\\fR | \\fB\\-\\-version\\fR",
        ".SH DESCRIPTION",
    ]
    out += section(top)
    out += [
        ".PP",
        "The links \\fBansible\\-playbook\\fR, \\fBansible\\fR, \\fBansible\\-vault\\fR and",
        "\\fBansible\\-inventory\\fR to drover are installed in",
        f"\\fI{esc(links_dir)}\\fR: put that directory first on \\fBPATH\\fR to run",
        "existing Makefiles and scripts with drover instead of Ansible.",
        ".SH COMMANDS",
    ]
    for command in listed(top, "Commands:"):
        sub = help_text(drover, command)
        out += [f".SS drover {esc(command)}"] + section(sub)
        for name in listed(sub, "Subcommands:"):
            out += [f".SS drover {esc(command)} {esc(name)}"]
            out += section(help_text(drover, command, name))
    out += [
        ".SH FILES",
        "\\fBansible.cfg\\fR, found as Ansible finds it: \\fBANSIBLE_CONFIG\\fR,",
        "\\fI./ansible.cfg\\fR, \\fI~/.ansible.cfg\\fR, \\fI/etc/ansible/ansible.cfg\\fR.",
        "\\fBdrover \\-\\-version\\fR prints the one in use.",
        ".SH SEE ALSO",
        "\\fBansible\\-playbook\\fR(1), \\fBansible\\-vault\\fR(1), \\fBansible\\-inventory\\fR(1)",
    ]
    return "\n".join(out) + "\n"


def main():
    drover, version, links_dir, output = sys.argv[1:5]
    text = page(drover, version, links_dir)
    with open(output, "w", encoding="utf-8") as f:
        f.write(text)


if __name__ == "__main__":
    main()
