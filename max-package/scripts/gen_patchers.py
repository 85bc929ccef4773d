#!/usr/bin/env python3
"""Writes the Max package's patchers from one description, so that they stay consistent:

  help/ndm~.maxhelp                 the help file (tabs: basic, encode, axes, variations, model)
  max-package/patchers/ndm.maxpat   the paper's interface, laid out in presentation mode
  max-package/examples/ndm-kit.maxpat  a four-voice kit
  max-package/devices/NDM.amxd      a Max for Live instrument (live.* controls, automatable)
  max-package/icon.png              the package icon (500 x 500, a drum-pad glyph)

Usage: python3 max-package/scripts/gen_patchers.py   (standard library only)
tests/max_docs.rs checks what this writes (boxes, patch lines, messages sent to ndm~).

Object inlet/outlet counts are written the way Max 8 saves them; Max recomputes them on load.
The .amxd header layout (little-endian chunks 'ampf' [4] device type, 'meta' [4] u32,
'ptch' [n] JSON + NUL) follows Ableton's maxdevtools amxd_textconv.py parser.
"""
import json
import os
import struct
import zlib

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
APPVERSION = {"major": 8, "minor": 6, "revision": 0, "architecture": "x64", "modernui": 1}
# The paper's 11 classes; the live.menu's list is replaced at load time by the model's own.
PAPER_CLASSES = ["kick", "clap", "snare", "open_hihat", "closed_hihat", "tambourine",
                 "conga", "bongo", "shaker", "snap", "tom"]

# newobj name -> (numinlets, numoutlets, outlettype); None: computed from the arguments.
SPECS = {
    "ndm~": (3, 3, ["", "", ""]),
    "buffer~": (1, 2, ["float", "bang"]),
    "play~": (1, 2, ["signal", "bang"]),
    "dac~": (2, 0, []),
    "plugout~": (2, 0, []),
    "*~": (2, 1, ["signal"]),
    "loadbang": (1, 1, ["bang"]),
    "loadmess": (1, 1, [""]),
    "prepend": (1, 1, [""]),
    "iter": (1, 1, [""]),
    "print": (1, 0, []),
    "pak": None,
    "route": None,
    "sel": None,
    "t": None,
    "/": (2, 1, ["float"]),
    "opendialog": (1, 2, ["", "bang"]),
    "conformpath": (1, 2, ["", "int"]),
    "notein": (1, 3, ["int", "int", "int"]),
}
UI = {  # maxclass -> (numinlets, numoutlets, outlettype)
    "message": (2, 1, [""]),
    "comment": (1, 0, []),
    "button": (1, 1, ["bang"]),
    "toggle": (1, 1, ["int"]),
    "flonum": (1, 2, ["", "bang"]),
    "umenu": (1, 3, ["int", "", ""]),
    "tab": (1, 3, ["int", "", ""]),
    "dial": (1, 1, ["float"]),
    "pictslider": (2, 2, ["int", "int"]),
    "dropfile": (1, 2, ["", ""]),
    "waveform~": (5, 6, ["float", "float", "float", "float", "list", ""]),
    "ezdac~": (2, 0, []),
    "panel": (1, 0, []),
    "live.dial": (1, 2, ["", "float"]),
    "live.menu": (1, 3, ["", "", "float"]),
    "live.tab": (1, 3, ["", "", "float"]),
    "live.text": (1, 2, ["", ""]),
}


def newobj_spec(text):
    words = text.split()
    name, args = words[0], words[1:]
    if name == "pak":
        return (len(args), 1, [""])
    if name == "route":
        return (len(args) + 1, len(args) + 1, [""] * (len(args) + 1))
    if name == "sel":
        return (2 if len(args) == 1 else 1, len(args) + 1, ["bang"] * len(args) + [""])
    if name == "t":
        kinds = {"b": "bang", "i": "int", "f": "float", "l": "", "s": "", "a": ""}
        return (1, len(args), [kinds.get(a, "") for a in args])
    return SPECS[name]


class Patcher:
    def __init__(self, rect, **attrs):
        self.rect, self.attrs, self.boxes, self.lines, self.n = rect, attrs, [], [], 0

    def _add(self, maxclass, spec, rect, text=None, pres=None, **extra):
        self.n += 1
        box = {"id": f"obj-{self.n}", "maxclass": maxclass, "numinlets": spec[0],
               "numoutlets": spec[1], "patching_rect": [float(v) for v in rect]}
        if spec[2]:
            box["outlettype"] = spec[2]
        if text is not None:
            box["text"] = text
        if pres is not None:
            box["presentation"] = 1
            box["presentation_rect"] = [float(v) for v in pres]
        box.update(extra)
        self.boxes.append({"box": box})
        return box["id"]

    def obj(self, text, x, y, w=None, **kw):
        return self._add("newobj", newobj_spec(text), [x, y, w or 9 + 7 * len(text), 22], text, **kw)

    def msg(self, text, x, y, w=None, **kw):
        return self._add("message", UI["message"], [x, y, w or 13 + 7 * len(text), 22], text, **kw)

    def comment(self, text, x, y, w=300, h=20, **kw):
        lines = max(1, text.count("\n") + 1, int(len(text) * 6.5 / w) + 1)
        return self._add("comment", UI["comment"], [x, y, w, max(h, 14 * lines + 6)], text, linecount=lines, **kw)

    def ui(self, maxclass, x, y, w, h, **kw):
        return self._add(maxclass, UI[maxclass], [x, y, w, h], **kw)

    def sub(self, name, x, y, inner, tab=True):
        extra = {"patcher": inner.to_dict()["patcher"]}
        if tab:
            extra["showontab"] = 1
        return self._add("newobj", (0, 0, []), [x, y, 90, 22], f"p {name}", **extra)

    def connect(self, src, dst, outlet=0, inlet=0):
        self.lines.append({"patchline": {"source": [src, outlet], "destination": [dst, inlet]}})

    def to_dict(self):
        p = {"fileversion": 1, "appversion": APPVERSION, "classnamespace": "box", "rect": self.rect,
             "gridsize": [15.0, 15.0], "default_fontsize": 12.0, "default_fontname": "Arial"}
        p.update(self.attrs)
        p["boxes"], p["lines"] = self.boxes, self.lines
        return {"patcher": p}


def class_menu(p, ndm, x, y, pres=None):
    """A umenu filled with the model's classes (from `dump`), sending the index to ndm~."""
    load = p.obj("loadbang", x, y)
    dump = p.msg("dump", x, y + 30)
    route = p.obj("route classes", x + 150, y + 30)
    trig = p.obj("t l b", x + 150, y + 60)
    clear = p.msg("clear", x + 230, y + 90)
    it = p.obj("iter", x + 150, y + 90)
    app = p.obj("prepend append", x + 150, y + 120)
    menu = p.ui("umenu", x, y + 150, 120, 22, pres=pres, items=PAPER_CLASSES[:1])
    p.connect(load, dump)
    p.connect(dump, ndm)
    p.connect(ndm, route, 2)
    p.connect(route, trig)
    p.connect(trig, clear, 1)
    p.connect(trig, it, 0)
    p.connect(clear, menu)
    p.connect(it, app)
    p.connect(app, menu)
    p.connect(menu, ndm, 0, 2)  # int index -> right inlet
    return menu


def xy_pad(p, ndm, x, y, size=150, pres=None):
    """pictslider 0..1000 on both axes -> x y in 0..1 -> middle inlet."""
    pad = p.ui("pictslider", x, y, size, size, pres=pres, leftvalue=0, rightvalue=1000,
               topvalue=1000, bottomvalue=0, parameter_enable=0)
    dx, dy = p.obj("/ 1000.", x, y + size + 10), p.obj("/ 1000.", x + 70, y + size + 10)
    pak = p.obj("pak 0.5 0.5", x, y + size + 40)
    p.connect(pad, dx, 0)
    p.connect(pad, dy, 1)
    p.connect(dx, pak, 0, 0)
    p.connect(dy, pak, 0, 1)
    p.connect(pak, ndm, 0, 1)  # list x y -> middle inlet
    return pad


def player(p, ndm, buf, x, y, dac=True):
    """buffer~ + play~, started whenever ndm~ bangs its left outlet; returns the play~ box."""
    p.obj(f"buffer~ {buf}", x + 150, y)
    start = p.msg("start 0", x, y)
    play = p.obj(f"play~ {buf}", x, y + 30)
    gain = p.obj("*~ 0.7", x, y + 60)
    p.connect(ndm, start, 0)
    p.connect(start, play)
    p.connect(play, gain)
    if dac:
        out = p.ui("ezdac~", x, y + 90, 45, 45)
        p.connect(gain, out, 0, 0)
        p.connect(gain, out, 0, 1)
    return start, gain


def help_tab_basic():
    p = Patcher([0, 26, 820, 600])
    p.comment("Choose a class, move the pad, bang: ndm~ renders a drum one-shot into the buffer~ named by its "
              "first argument, then bangs its left outlet (here: play it).", 20, 10, 600)
    ndm = p.obj("ndm~ ndm-help-basic", 20, 330, 180)
    class_menu(p, ndm, 20, 50)
    xy_pad(p, ndm, 260, 50)
    b = p.ui("button", 450, 60, 30, 30)
    p.comment("generate", 485, 65, 80)
    p.connect(b, ndm)
    for i, t in enumerate(["autorender 1", "autorender 0"]):
        m = p.msg(t, 450, 110 + 30 * i)
        p.connect(m, ndm)
    p.comment("autorender 1: re-render as the pad moves", 560, 110, 240)
    player(p, ndm, "ndm-help-basic", 20, 380)
    pr = p.obj("print ndm-latent", 250, 380)
    p.connect(ndm, pr, 1)
    return p


def help_tab_encode():
    p = Patcher([0, 26, 820, 600])
    p.comment("Encode your own sample: drop a sound file on the box; it is read into buffer~ ndm-help-src, "
              "then `encode ndm-help-src` moves the pad to its latent (middle outlet) and renders.", 20, 10, 640)
    drop = p.ui("dropfile", 20, 60, 220, 60)
    p.comment("drop a sound file here", 60, 80, 160)
    rep = p.obj("prepend replace", 20, 130)
    src = p.obj("buffer~ ndm-help-src", 20, 160)
    enc = p.msg("encode ndm-help-src", 20, 200)
    enc_cls = p.msg("encode ndm-help-src snare", 200, 200)
    p.comment("with a class (else the model guesses it)", 380, 200, 260)
    ndm = p.obj("ndm~ ndm-help-enc", 20, 250, 160)
    p.connect(drop, rep)
    p.connect(rep, src)
    p.connect(src, enc, 1)  # bang when the file is read
    p.connect(enc, ndm)
    p.connect(enc_cls, ndm)
    wave = p.ui("waveform~", 300, 60, 300, 80, buffername="ndm-help-src")
    del wave
    p.comment("the latent (class, xy, fine, z) comes out of the middle outlet:", 200, 250, 400)
    pr = p.obj("print ndm-latent", 200, 280)
    p.connect(ndm, pr, 1)
    player(p, ndm, "ndm-help-enc", 20, 300)
    return p


def help_tab_axes():
    p = Patcher([0, 26, 820, 600])
    p.comment("The pad's axes: the principal directions of the training latents (pca: x = P1, y = P2, "
              "fine = P3), three random latent dimensions, or explicit ones. range scales the pad "
              "(1: its edges at two standard deviations).", 20, 10, 640)
    ndm = p.obj("ndm~ ndm-help-axes @autorender 1", 20, 300, 240)
    y = 70
    for t, c in [("axes pca", "principal directions (default)"), ("axes random 7", "random dimensions, seed 7"),
                 ("axes 3 5 9", "explicit dimensions i j [k]"), ("range 0.5", "smaller pad"),
                 ("range 1", "default"), ("range 2", "wider pad"), ("xy 0.1 0.9", "pad position"),
                 ("fine 0.2", "third axis"), ("fine 0.8", "")]:
        m = p.msg(t, 20, y)
        p.comment(c, 200, y, 300)
        p.connect(m, ndm)
        y += 25
    player(p, ndm, "ndm-help-axes", 20, 340)
    return p


def help_tab_variations():
    p = Patcher([0, 26, 820, 600])
    p.comment("Variations: random draws from the class prior, vary adds seeded noise around the current "
              "latent, store/recall keep latents in named slots, morph interpolates between two slots.",
              20, 10, 640)
    ndm = p.obj("ndm~ ndm-help-var", 20, 330, 160)
    y = 60
    for t in ["seed 42", "random", "vary 0.3", "store a", "random", "store b", "recall a"]:
        m = p.msg(t, 20, y)
        p.connect(m, ndm)
        y += 25
    f = p.ui("flonum", 250, 60, 60, 22, minimum=0.0, maximum=1.0, format=6)
    mo = p.msg("morph a b $1", 250, 90)
    p.comment("morph from slot a (0) to slot b (1)", 330, 60, 240)
    p.connect(f, mo)
    p.connect(mo, ndm)
    pr = p.obj("print ndm-latent", 250, 330)
    p.connect(ndm, pr, 1)
    player(p, ndm, "ndm-help-var", 20, 370)
    return p


def help_tab_model():
    p = Patcher([0, 26, 820, 600])
    p.comment("Models: ndm~ loads models/ndm-v1 from this package when it is created. `model <folder>` "
              "loads another bundle on the worker thread (the old one keeps working until then); a relative "
              "folder is looked up in the package's models/. dump prints the state.", 20, 10, 640)
    ndm = p.obj("ndm~ ndm-help-model", 20, 330, 170)
    m1 = p.msg("model ndm-v1", 20, 70)
    p.connect(m1, ndm)
    od = p.msg("choose a bundle folder...", 20, 100)
    dlg = p.obj("opendialog fold", 20, 130)
    conf = p.obj("conformpath native boot", 20, 160)
    pre = p.obj("prepend model", 20, 190)
    p.connect(od, dlg)
    p.connect(dlg, conf)
    p.connect(conf, pre)
    p.connect(pre, ndm)
    y = 70
    for t in ["dump", "vocoder model", "vocoder mcnn 0", "vocoder pghi", "vocoder griffinlim 16", "trim 0", "trim 1", "bang"]:
        m = p.msg(t, 300, y)
        p.connect(m, ndm)
        y += 25
    pr = p.obj("print ndm-info", 200, 370)
    p.connect(ndm, pr, 2)
    player(p, ndm, "ndm-help-model", 20, 370)
    return p


def help_file():
    top = Patcher([100, 100, 840, 640], description="Neural drum machine: drum one-shots from a latent space",
                  digest="Generate drum sounds into a buffer~", tags="ndm", showontab=0)
    top.comment("ndm~", 10, 10, 200, 30, fontsize=24.0, fontface=1)
    top.comment("Neural drum machine: class + latent pad -> drum one-shot in a buffer~", 10, 45, 600)
    for i, (name, tab) in enumerate([("basic", help_tab_basic()), ("encode", help_tab_encode()),
                                     ("axes", help_tab_axes()), ("variations", help_tab_variations()),
                                     ("model", help_tab_model())]):
        top.sub(name, 10 + 100 * i, 80, tab)
    return top


# The vocoder switch's tabs (model / pghi / mcnn), in the interface patch and the device.
VOCODER_MESSAGES = ["vocoder model", "vocoder pghi", "vocoder mcnn"]


def switch(p, ndm, tab, messages, x, y, dx=0, dy=0):
    """A tab's index picks one of `messages` for ndm~: `sel 0 1 …` at (x, y), the message
    boxes from (x, y + 30), `dx`/`dy` apart."""
    sel = p.obj("sel " + " ".join(str(i) for i in range(len(messages))), x, y)
    for i, t in enumerate(messages):
        m = p.msg(t, x + dx * i, y + 30 + dy * i)
        p.connect(sel, m, i)
        p.connect(m, ndm)
    p.connect(tab, sel)


def interface():
    """The paper's interface: XY pad (P1/P2), fine knob (P3), range, class, axes, drop zone,
    waveform, play; presentation mode."""
    p = Patcher([80, 80, 1000, 700], openinpresentation=1, bgcolor=[0.17, 0.17, 0.19, 1.0])
    ndm = p.obj("ndm~ ndm", 40, 560, 100)
    pad = xy_pad(p, ndm, 40, 60, 200, pres=[20, 50, 220, 220])
    p.comment("P1 / P2", 40, 30, 100, pres=[20, 28, 100, 20], textcolor=[1, 1, 1, 1])
    fine = p.ui("dial", 300, 60, 50, 50, pres=[260, 50, 60, 60], size=128)
    fdiv = p.obj("/ 127.", 300, 120)
    fpre = p.obj("prepend fine", 300, 150)
    p.connect(fine, fdiv)
    p.connect(fdiv, fpre)
    p.connect(fpre, ndm)
    p.comment("fine (P3)", 360, 70, 80, pres=[260, 112, 80, 20], textcolor=[1, 1, 1, 1])
    rng = p.ui("umenu", 460, 60, 80, 22, pres=[260, 160, 80, 22], items=["0.5", ",", "1", ",", "1.5", ",", "2", ",", "3"])
    rpre = p.obj("prepend range", 460, 90)
    p.connect(rng, rpre, 1)  # the item's text, e.g. 1.5
    p.connect(rpre, ndm)
    p.comment("range", 550, 60, 60, pres=[345, 160, 60, 20], textcolor=[1, 1, 1, 1])
    class_menu(p, ndm, 620, 40, pres=[260, 210, 120, 22])
    p.comment("class", 750, 190, 60, pres=[385, 210, 60, 20], textcolor=[1, 1, 1, 1])
    axes = p.ui("tab", 300, 200, 240, 24, pres=[20, 285, 300, 24], tabs=["pca", "random", "explicit"])
    switch(p, ndm, axes, ["axes pca", "axes random", "axes 0 1 2"], 300, 235, dx=90)
    drop = p.ui("dropfile", 40, 320, 200, 60, pres=[20, 320, 300, 60])
    p.comment("drop a sample here to encode it", 50, 340, 190, pres=[60, 340, 220, 20], textcolor=[1, 1, 1, 1])
    rep = p.obj("prepend replace", 40, 390)
    src = p.obj("buffer~ ndm-src", 40, 420)
    enc = p.msg("encode ndm-src", 40, 450)
    p.connect(drop, rep)
    p.connect(rep, src)
    p.connect(src, enc, 1)
    p.connect(enc, ndm)
    p.ui("waveform~", 600, 320, 360, 120, pres=[340, 285, 360, 120], buffername="ndm")
    gen = p.ui("button", 450, 400, 40, 40, pres=[460, 50, 50, 50])
    p.comment("generate", 500, 410, 80, pres=[515, 65, 80, 20], textcolor=[1, 1, 1, 1])
    p.connect(gen, ndm)
    auto = p.ui("toggle", 450, 450, 24, 24, pres=[460, 120, 24, 24])
    apre = p.msg("autorender $1", 480, 450)
    p.connect(auto, apre)
    p.connect(apre, ndm)
    p.comment("autorender", 490, 120, 90, pres=[490, 122, 90, 20], textcolor=[1, 1, 1, 1])
    trim = p.ui("toggle", 450, 490, 24, 24, pres=[460, 160, 24, 24])
    tpre = p.msg("trim $1", 480, 490)
    p.connect(trim, tpre)
    p.connect(tpre, ndm)
    p.comment("trim silent tail", 490, 160, 110, pres=[490, 162, 110, 20], textcolor=[1, 1, 1, 1])
    voc = p.ui("tab", 820, 60, 150, 24, pres=[460, 205, 240, 24], tabs=["model", "pghi", "mcnn"])
    switch(p, ndm, voc, VOCODER_MESSAGES, 820, 90, dy=25)
    p.comment("vocoder (pghi: no network, half the cost)", 820, 195, 170, pres=[460, 232, 260, 20],
              textcolor=[1, 1, 1, 1])
    start, gain = player(p, ndm, "ndm", 200, 560, dac=False)
    play = p.ui("button", 200, 520, 30, 30, pres=[600, 50, 50, 50])
    p.comment("play", 240, 525, 60, pres=[655, 65, 60, 20], textcolor=[1, 1, 1, 1])
    p.connect(play, start)
    out = p.ui("ezdac~", 200, 660, 45, 45, pres=[600, 120, 45, 45])
    p.connect(gain, out, 0, 0)
    p.connect(gain, out, 0, 1)
    del pad
    return p


def device():
    """Max for Live instrument: the interface with live.* controls (automatable parameters)."""
    p = Patcher([80, 80, 1000, 700], openinpresentation=1, devicewidth=520.0, openrect=[0, 0, 520, 169])
    ndm = p.obj("ndm~ ---ndm", 40, 500, 100)

    def param(cls, x, y, w, h, pres, name, short, ptype, **v):
        vals = {"parameter_longname": name, "parameter_shortname": short, "parameter_type": ptype}
        vals.update(v)
        return p.ui(cls, x, y, w, h, pres=pres, parameter_enable=1, varname=name,
                    saved_attribute_attributes={"valueof": vals})

    unit = dict(parameter_mmin=0.0, parameter_mmax=1.0, parameter_initial=[0.5], parameter_initial_enable=1)
    dx = param("live.dial", 40, 60, 44, 48, [10, 10, 44, 48], "Pad X", "X", 0, **unit)
    dy = param("live.dial", 100, 60, 44, 48, [60, 10, 44, 48], "Pad Y", "Y", 0, **unit)
    df = param("live.dial", 160, 60, 44, 48, [110, 10, 44, 48], "Fine", "Fine", 0, **unit)
    pak = p.obj("pak 0.5 0.5", 40, 130)
    p.connect(dx, pak, 0, 0)
    p.connect(dy, pak, 0, 1)
    p.connect(pak, ndm, 0, 1)
    fpre = p.obj("prepend fine", 160, 130)
    p.connect(df, fpre)
    p.connect(fpre, ndm)
    cls = param("live.menu", 240, 60, 100, 15, [170, 14, 100, 15], "Class", "Class", 2,
                parameter_enum=PAPER_CLASSES, parameter_mmax=len(PAPER_CLASSES) - 1)
    p.connect(cls, ndm, 0, 2)  # index -> right inlet
    rng = param("live.menu", 360, 60, 60, 15, [170, 40, 60, 15], "Range", "Range", 2,
                parameter_enum=["0.5", "1", "1.5", "2", "3"], parameter_mmax=4,
                parameter_initial=[1], parameter_initial_enable=1)
    rpre = p.obj("prepend range", 360, 90)
    p.connect(rng, rpre, 1)  # the item's text
    p.connect(rpre, ndm)
    axes = param("live.tab", 440, 60, 150, 20, [170, 64, 150, 20], "Axes", "Axes", 2,
                 parameter_enum=["pca", "random", "explicit"], parameter_mmax=2)
    switch(p, ndm, axes, ["axes pca", "axes random", "axes 0 1 2"], 440, 90, dx=90)
    # model: the model's own vocoder; pghi: no network, half a bang's cost (BENCHMARKS.md).
    voc = param("live.tab", 680, 100, 150, 20, [170, 92, 150, 20], "Vocoder", "Vocoder", 2,
                parameter_enum=["model", "pghi", "mcnn"], parameter_mmax=2)
    switch(p, ndm, voc, VOCODER_MESSAGES, 680, 130, dy=25)
    # The model's class names replace the menu's defaults once the device is loaded.
    load = p.obj("loadbang", 620, 20)
    dump = p.msg("dump", 620, 50)
    route = p.obj("route classes", 620, 560)
    rng_set = p.obj("prepend _parameter_range", 620, 590)
    p.connect(load, dump)
    p.connect(dump, ndm)
    p.connect(ndm, route, 2)
    p.connect(route, rng_set)
    p.connect(rng_set, cls)
    # Encode a dropped sample (per-device buffer names: --- becomes a unique number).
    drop = p.ui("dropfile", 40, 200, 150, 50, pres=[340, 10, 170, 60])
    p.comment("drop a sample to encode", 50, 215, 140, pres=[350, 30, 150, 20])
    rep = p.obj("prepend replace", 40, 260)
    src = p.obj("buffer~ ---ndm-src", 40, 290)
    setmsg = p.obj("loadmess set encode ---ndm-src", 200, 290)
    enc = p.msg("", 40, 320, 120)
    p.connect(drop, rep)
    p.connect(rep, src)
    p.connect(src, enc, 1)
    p.connect(setmsg, enc)
    p.connect(enc, ndm)
    gen = param("live.text", 240, 200, 60, 20, [10, 70, 60, 20], "Generate", "Generate", 2,
                parameter_enum=["off", "on"], parameter_mmax=1)
    gsel = p.obj("sel 1", 240, 230)
    p.connect(gen, gsel)
    p.connect(gsel, ndm)
    p.ui("waveform~", 340, 200, 200, 60, pres=[340, 80, 170, 80], buffername="---ndm")
    # MIDI note in -> play (velocity 0 = note off is ignored).
    notein = p.obj("notein", 40, 380)
    vsel = p.obj("sel 0", 100, 410)
    start = p.msg("start 0", 100, 440)
    p.connect(notein, vsel, 1)
    p.connect(vsel, start, 1)
    p.obj("buffer~ ---ndm", 250, 500)
    play = p.obj("play~ ---ndm", 100, 560)
    gain = p.obj("*~ 0.7", 100, 590)
    out = p.obj("plugout~", 100, 620)
    p.connect(ndm, start, 0)  # audition each new sound
    p.connect(start, play)
    p.connect(play, gain)
    p.connect(gain, out, 0, 0)
    p.connect(gain, out, 0, 1)
    return p


def kit():
    """Example: a four-voice kit, one ndm~ per class, each with its own buffer~ and play~."""
    p = Patcher([100, 100, 900, 520])
    p.comment("A four-voice kit: one ndm~ per class (@class), random draws a new sound from the class "
              "prior, the button plays it. Click random on each voice first.", 20, 10, 700)
    for i in range(4):
        x = 20 + 210 * i
        r = p.msg("random", x, 60)
        v = p.msg("vary 0.2", x + 70, 60)
        ndm = p.obj(f"ndm~ ndm-kit-{i} @class {i}", x, 100, 190)
        p.connect(r, ndm)
        p.connect(v, ndm)
        start, gain = player(p, ndm, f"ndm-kit-{i}", x, 140, dac=False)
        b = p.ui("button", x + 100, 140, 24, 24)
        p.connect(b, start)
        out = p.obj("dac~", x, 240)
        p.connect(gain, out, 0, 0)
        p.connect(gain, out, 0, 1)
    return p


def write_json(path, patcher):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        json.dump(patcher.to_dict(), f, indent="\t", ensure_ascii=False)
        f.write("\n")


def write_amxd(path, patcher, device_type=b"iiii"):
    """'ampf' chunk (device type: iiii instrument, aaaa audio effect, mmmm MIDI effect),
    'meta' chunk (4 bytes), 'ptch' chunk (the patcher JSON, NUL-terminated)."""
    payload = (json.dumps(patcher.to_dict(), indent="\t", ensure_ascii=False) + "\n").encode() + b"\0"
    data = (b"ampf" + struct.pack("<I", 4) + device_type + b"meta" + struct.pack("<I", 4)
            + struct.pack("<I", 1) + b"ptch" + struct.pack("<I", len(payload)) + payload)
    with open(path, "wb") as f:
        f.write(data)


def write_icon(path, size=500):
    """A 4 x 4 grid of drum pads on a dark background, one lit; plain RGB PNG."""
    bg, pad, lit = (28, 28, 34), (70, 74, 88), (238, 120, 48)
    margin, gap = 50, 20
    cell = (size - 2 * margin - 3 * gap) // 4
    rows = []
    for y in range(size):
        row = bytearray()
        for x in range(size):
            c = bg
            gx, gy = x - margin, y - margin
            if 0 <= gx < 4 * cell + 3 * gap and 0 <= gy < 4 * cell + 3 * gap:
                ix, iy = gx // (cell + gap), gy // (cell + gap)
                if gx % (cell + gap) < cell and gy % (cell + gap) < cell:
                    c = lit if (ix, iy) == (1, 2) else pad
            row += bytes(c)
        rows.append(b"\0" + bytes(row))

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0))
           + chunk(b"IDAT", zlib.compress(b"".join(rows), 9)) + chunk(b"IEND", b""))
    with open(path, "wb") as f:
        f.write(png)


def main():
    write_json(os.path.join(ROOT, "help", "ndm~.maxhelp"), help_file())
    write_json(os.path.join(ROOT, "max-package", "patchers", "ndm.maxpat"), interface())
    write_json(os.path.join(ROOT, "max-package", "examples", "ndm-kit.maxpat"), kit())
    write_amxd(os.path.join(ROOT, "max-package", "devices", "NDM.amxd"), device())
    write_icon(os.path.join(ROOT, "max-package", "icon.png"))


if __name__ == "__main__":
    main()
