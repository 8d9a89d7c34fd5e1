#!/usr/bin/env python3
"""Builds the standalone ppdesk app for the OS this runs on (see installer/README.md).

    .venv/bin/python installer/build.py             # dist/ppdesk/ + the OS's archive
    .venv/bin/python installer/build.py --deb       # Linux: also a .deb
    .venv/bin/python installer/build.py --no-archive --dist /tmp/d --work /tmp/w

Needs the ``build`` extra (``pip install -e .[build]``). Steps: check the installed ppdesk
metadata carries the pyproject.toml version, run PyInstaller on installer/ppdesk.spec,
smoke-run the built ``ppdesk --version``, then package: a .tar.gz (and optionally a .deb) on
Linux, a .zip of the folder on Windows (the Inno Setup script makes the installer), a .dmg on
macOS (hdiutil). Prints the folder size.
"""

from __future__ import annotations

import argparse
import ast
import os
import platform
import shutil
import subprocess
import sys
import tarfile
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "installer" / "ppdesk.spec"
MAX_MB = 400


def project_version() -> str:
    """The version literal in ``ppdesk/__init__.py`` (pyproject reads it: dynamic version)."""
    tree = ast.parse((ROOT / "ppdesk" / "__init__.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "__version__" for t in node.targets):
            return str(ast.literal_eval(node.value))
    raise SystemExit("ppdesk/__init__.py has no __version__")


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def executable(app_dir: Path) -> Path:
    return app_dir / ("ppdesk.exe" if os.name == "nt" else "ppdesk")


def _check_tools(version: str) -> None:
    try:
        import PyInstaller  # noqa: F401
    except ModuleNotFoundError:
        sys.exit("PyInstaller is missing: install the build tools with "
                 "`pip install -e .[build]` (or `python3 dev.py test`, which does it).")
    installed = metadata.version("ppdesk")
    if installed != version:
        sys.exit(f"the installed ppdesk metadata says {installed} but pyproject.toml says "
                 f"{version}; run `pip install -e .` again so --version is right.")


def run_pyinstaller(dist: Path, work: Path, version: str, *, webengine: bool) -> Path:
    env = dict(os.environ, PPDESK_VERSION=version, PPDESK_WEBENGINE="1" if webengine else "0")
    cmd = [sys.executable, "-m", "PyInstaller", str(SPEC), "--noconfirm", "--clean",
           "--log-level", "WARN", "--distpath", str(dist), "--workpath", str(work)]
    print("running:", " ".join(cmd), flush=True)
    subprocess.run(cmd, cwd=ROOT, env=env, check=True)
    return dist / "ppdesk"


def _elf_has_symbols(path: Path) -> bool:
    """True for an ELF file that still carries a symbol table (``.symtab``)."""
    with path.open("rb") as fh:
        head = fh.read(64)
        if head[:4] != b"\x7fELF" or head[4] != 2:  # 64-bit ELF only
            return False
        shoff = int.from_bytes(head[0x28:0x30], "little")
        shentsize = int.from_bytes(head[0x3A:0x3C], "little")
        shnum = int.from_bytes(head[0x3C:0x3E], "little")
        fh.seek(shoff)
        table = fh.read(shentsize * shnum)
    # SHT_SYMTAB = 2 is the section type at offset 4 of each section header.
    return any(int.from_bytes(table[i + 4:i + 8], "little") == 2
               for i in range(0, len(table), shentsize))


def strip_symbols(app_dir: Path) -> int:
    """Linux: strip symbol tables from bundled libraries; returns the bytes saved.

    Skips the executable (PyInstaller appends its archive to it) and the ``*.libs``
    folders of auditwheel-repaired wheels (patchelf-edited files that strip can break).
    """
    strip = shutil.which("strip")
    if not strip:
        return 0
    saved = 0
    internal = app_dir / "_internal"
    for path in internal.rglob("*.so*"):
        if path.is_symlink() or not path.is_file() or any(
                part.endswith(".libs") for part in path.relative_to(internal).parts):
            continue
        if not _elf_has_symbols(path):
            continue
        before = path.stat().st_size
        subprocess.run([strip, "--strip-unneeded", str(path)], check=True)
        saved += before - path.stat().st_size
    return saved


def check_links(app_dir: Path) -> None:
    """Linux: fail when a bundled library needs a Qt or bundled library that was left out."""
    if not shutil.which("ldd"):
        return
    internal = app_dir / "_internal"
    qt_lib = internal / "PySide6" / "Qt" / "lib"
    env = dict(os.environ, LD_LIBRARY_PATH=f"{qt_lib}:{internal}")
    missing: set[str] = set()
    for path in internal.rglob("*.so*"):
        if path.is_symlink() or not path.is_file():
            continue
        out = subprocess.run(["ldd", str(path)], capture_output=True, text=True, env=env)
        for line in out.stdout.splitlines():
            if "not found" in line:
                missing.add(f"{path.relative_to(internal)} needs {line.split()[0]}")
    qt_missing = sorted(m for m in missing if " needs libQt6" in m)
    for line in sorted(missing):
        print("  link check:", line)
    if qt_missing:
        sys.exit("the build left out Qt libraries that bundled files need; adjust the "
                 "filters in installer/ppdesk.spec")


def smoke(app_dir: Path, version: str) -> None:
    out = subprocess.run([str(executable(app_dir)), "--version"], capture_output=True,
                         text=True, timeout=120, check=True)
    if out.stdout.strip() != f"ppdesk {version}":
        sys.exit(f"the built app reports {out.stdout.strip()!r}, expected 'ppdesk {version}'")


def linux_tarball(app_dir: Path, out_dir: Path, version: str) -> Path:
    target = out_dir / f"ppdesk-{version}-linux-{platform.machine()}.tar.gz"
    with tarfile.open(target, "w:gz", compresslevel=6) as tar:
        tar.add(app_dir, arcname=f"ppdesk-{version}")
    return target


def linux_deb(app_dir: Path, out_dir: Path, work: Path, version: str) -> Path:
    """A .deb installing to /opt/ppdesk with a /usr/bin/ppdesk link and a menu entry."""
    if not shutil.which("dpkg-deb"):
        sys.exit("dpkg-deb is not available here; build the .deb on Debian or Ubuntu.")
    arch = {"x86_64": "amd64", "aarch64": "arm64"}.get(platform.machine(), platform.machine())
    root = work / "deb-root"
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(app_dir, root / "opt" / "ppdesk", symlinks=True)
    (root / "usr" / "bin").mkdir(parents=True)
    (root / "usr" / "bin" / "ppdesk").symlink_to("/opt/ppdesk/ppdesk")
    apps = root / "usr" / "share" / "applications"
    apps.mkdir(parents=True)
    (apps / "ppdesk.desktop").write_text(
        "[Desktop Entry]\nType=Application\nName=ppdesk\n"
        "Comment=Post-purchase revenue desk for small online stores\n"
        "Exec=/opt/ppdesk/ppdesk app\nIcon=ppdesk\nCategories=Office;Finance;\n"
        "Terminal=false\n", encoding="utf-8")
    icons = root / "usr" / "share" / "icons" / "hicolor" / "256x256" / "apps"
    icons.mkdir(parents=True)
    shutil.copy2(ROOT / "ppdesk" / "resources" / "icons" / "ppdesk.png", icons / "ppdesk.png")
    size_kb = folder_size(root) // 1024
    (root / "DEBIAN").mkdir()
    (root / "DEBIAN" / "control").write_text(
        f"Package: ppdesk\nVersion: {version}\nArchitecture: {arch}\n"
        f"Maintainer: ppdesk <support@ppdesk.invalid>\nInstalled-Size: {size_kb}\n"
        "Depends: libc6, libegl1, libgl1, libxkbcommon0, libxkbcommon-x11-0, libfontconfig1, "
        "libdbus-1-3, libnss3, libxcomposite1, libxdamage1, libxrandr2, libxtst6\n"
        "Section: misc\nPriority: optional\n"
        "Description: post-purchase revenue desk for small online stores\n"
        " Imports order exports, finds products bought together and reorder timing,\n"
        " and runs the thank-you offers and post-purchase emails.\n", encoding="utf-8")
    target = out_dir / f"ppdesk_{version}_{arch}.deb"
    subprocess.run(["dpkg-deb", "--root-owner-group", "-Zgzip", "--build", str(root),
                    str(target)], check=True)
    return target


def windows_zip(app_dir: Path, out_dir: Path, version: str) -> Path:
    base = out_dir / f"ppdesk-{version}-windows-{platform.machine().lower()}"
    return Path(shutil.make_archive(str(base), "zip", app_dir.parent, app_dir.name))


def macos_dmg(dist: Path, out_dir: Path, version: str) -> Path:
    target = out_dir / f"ppdesk-{version}-macos-{platform.machine()}.dmg"
    subprocess.run(["hdiutil", "create", "-volname", "ppdesk", "-srcfolder",
                    str(dist / "ppdesk.app"), "-ov", "-format", "UDZO", str(target)], check=True)
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, default=ROOT / "dist",
                        help="output folder (default: dist/)")
    parser.add_argument("--work", type=Path, default=ROOT / "build",
                        help="PyInstaller's work folder (default: build/)")
    parser.add_argument("--no-archive", action="store_true",
                        help="only build the folder, skip the tarball/zip/dmg")
    parser.add_argument("--deb", action="store_true", help="Linux: also build a .deb")
    parser.add_argument("--webengine", action="store_true",
                        help="include QtWebEngine for a Chromium email/snippet preview "
                        "(about +270 MB; without it the preview uses QTextBrowser)")
    args = parser.parse_args(argv)
    version = project_version()
    _check_tools(version)
    app_dir = run_pyinstaller(args.dist.resolve(), args.work.resolve(), version,
                              webengine=args.webengine)
    if sys.platform.startswith("linux"):
        saved = strip_symbols(app_dir)
        print(f"stripped symbol tables: {saved / 1e6:.0f} MB saved")
        check_links(app_dir)
    smoke(app_dir, version)
    size_mb = folder_size(app_dir) / 1e6
    print(f"built {app_dir} ({size_mb:.0f} MB)")
    if size_mb > MAX_MB:
        print(f"warning: the app folder is over {MAX_MB} MB", file=sys.stderr)
    if args.no_archive:
        return 0
    out_dir = args.dist.resolve()
    if sys.platform.startswith("linux"):
        print("wrote", linux_tarball(app_dir, out_dir, version))
        if args.deb:
            print("wrote", linux_deb(app_dir, out_dir, args.work.resolve(), version))
    elif sys.platform == "win32":
        print("wrote", windows_zip(app_dir, out_dir, version))
        print("now compile installer/ppdesk.iss with Inno Setup for the installer")
    elif sys.platform == "darwin":
        print("wrote", macos_dmg(args.dist.resolve(), out_dir, version))
    return 0


if __name__ == "__main__":
    sys.exit(main())
