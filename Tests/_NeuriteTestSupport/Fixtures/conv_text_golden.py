# Golden fixtures for convolution, pooling, BatchNorm2d, Embedding/EmbeddingBag, a ResNet basic
# block, a 2-conv network and Captum LayerGradCam. Writes conv_text/*.safetensors (beside this script) and
# conv_text/index.json (every case: constructor, shapes, tensor keys, tolerance advice).
# Needs torch, numpy, safetensors, captum; CPU only, runs in a few seconds.
# Reference values: float32 random inputs/parameters, computed in float64, stored as float32;
# two_conv_net and gradcam are float32 computed in float32 (index.json says so per case).
import os, json, copy, zlib, hashlib, warnings
import numpy as np, torch, torch.nn as nn, torch.nn.functional as F
import safetensors, captum
from safetensors.torch import save_file
from captum.attr import LayerGradCam, LayerAttribution

warnings.filterwarnings("ignore", message="Using padding='same'")
torch.set_num_threads(1)  # fixed reduction order for the float32 cases
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "conv_text")
os.makedirs(OUT, exist_ok=True)
FILES, CASES, FAMILIES = {}, {}, {}


def seed_of(cid): return zlib.crc32(cid.encode()) % 100000
def jsonable(v): return [jsonable(x) for x in v] if isinstance(v, (tuple, list)) else v
def call_str(name, kw): return f"{name}(" + ", ".join(f"{k}={v!r}" for k, v in kw.items()) + ")"
def tup(v, n): return tuple(v) if isinstance(v, (tuple, list)) else (v,) * n
def maxdiff(a, b): return float((a.detach().double() - b.detach().double()).abs().max()) if a.numel() else 0.0


def put(fname, key, t, entry):
    t = t.detach().clone().contiguous()
    t = t if t.dtype == torch.int64 else t.to(torch.float32)
    d = FILES.setdefault(fname, {}); assert key not in d, key
    d[key] = t
    entry["tensors"][key] = ({} if fname == entry["files"][0] else {"file": fname}) | {"dtype": "int64" if t.dtype == torch.int64 else "float32", "shape": list(t.shape)}


def tolerance(e, obs, rel, exact=()):
    # per float tensor: atol = rel * max|ref| (rtol 0); exact tensors must match bit for bit (atol 0)
    e["tolerance_rel_to_max"] = rel
    for key, err in obs.items():
        t = e["tensors"][key]; s = float(FILES[t.get("file", e["files"][0])][key].abs().max())
        t.update({"max_abs": float(f"{s:.6g}"), "atol": 0.0 if key in exact else float(f"{rel * s:.2e}"), "f32_err": float(f"{err:.3g}")})
        assert (err == 0) if key in exact else (err <= t["atol"] / 4), (key, err, s)
    for key in exact: e["tensors"][key]["atol"] = 0.0


# ------------------------------------------------------------------ shape formulas (PyTorch docs)
def conv_dims(m, sp):
    out = []
    for d, L in enumerate(sp):
        k, s, dl = m.kernel_size[d], m.stride[d], m.dilation[d]
        if m.padding == "same":
            t = dl * (k - 1)
            out.append((L, f"padding='same': L_out = L_in = {L}; total pad {dl}*({k}-1) = {t}: left/top {t // 2}, right/bottom {t - t // 2}"))
        else:
            p = 0 if m.padding == "valid" else m.padding[d]; v = (L + 2 * p - dl * (k - 1) - 1) // s + 1
            out.append((v, f"floor(({L} + 2*{p} - {dl}*({k}-1) - 1)/{s}) + 1 = {v}"))
    return out


def pool_dims(k, s, p, dl, ceil, sp, avg=False):
    out = []
    for d, L in enumerate(sp):
        num = L + 2 * p[d] - dl[d] * (k[d] - 1) - 1
        v = (-(-num // s[d]) if ceil else num // s[d]) + 1
        inner = f"{L} + 2*{p[d]} - {k[d]}" if avg else f"{L} + 2*{p[d]} - {dl[d]}*({k[d]}-1) - 1"
        ex = f"{'ceil' if ceil else 'floor'}(({inner})/{s[d]}) + 1 = {v}"
        if ceil and (v - 1) * s[d] >= L + p[d]:
            v -= 1; ex += f"; ({v + 1}-1)*{s[d]} >= {L} + {p[d]}: the last window would start in the right padding and is dropped -> {v}"
        out.append((v, ex))
    return out


def shape_check(m, ins, out):
    x = ins["input"]; sp = list(x.shape[2:]); n = len(sp)
    if isinstance(m, (nn.Conv1d, nn.Conv2d)): dims, lead = conv_dims(m, sp), [x.shape[0], m.out_channels]
    elif isinstance(m, (nn.MaxPool1d, nn.MaxPool2d)):
        dims, lead = pool_dims(tup(m.kernel_size, n), tup(m.stride, n), tup(m.padding, n), tup(m.dilation, n), m.ceil_mode, sp), list(x.shape[:2])
    elif isinstance(m, (nn.AvgPool1d, nn.AvgPool2d)):
        dims, lead = pool_dims(tup(m.kernel_size, n), tup(m.stride, n), tup(m.padding, n), (1,) * n, m.ceil_mode, sp, avg=True), list(x.shape[:2])
    elif isinstance(m, (nn.AdaptiveAvgPool2d, nn.AdaptiveMaxPool2d)):
        o = tup(m.output_size, 2); lead = list(x.shape[:2])
        dims = [(o[d], "windows [start, end): " + str([[(i * L) // o[d], -(-((i + 1) * L) // o[d])] for i in range(o[d])])) for d, L in enumerate(sp)]
    elif isinstance(m, nn.BatchNorm2d): dims, lead = [(L, "unchanged") for L in sp], list(x.shape[:2])
    elif isinstance(m, nn.Embedding): dims, lead = [], list(x.shape) + [m.embedding_dim]
    elif isinstance(m, nn.EmbeddingBag):
        nb = x.shape[0] if x.dim() == 2 else ins["offsets"].numel() - int(m.include_last_offset)
        dims, lead = [], [nb, m.embedding_dim]
    else: return None
    exp = lead + [v for v, _ in dims]
    r = {"expected": exp, "actual": list(out.shape), "matches": exp == list(out.shape)}
    if dims: r["per_dim"] = [ex for _, ex in dims]
    return r


def resolved(m):
    keys = ["in_channels", "out_channels", "kernel_size", "stride", "padding", "dilation", "groups", "padding_mode",
            "ceil_mode", "return_indices", "count_include_pad", "divisor_override", "output_size",
            "num_features", "eps", "momentum", "affine", "track_running_stats",
            "num_embeddings", "embedding_dim", "padding_idx", "max_norm", "norm_type", "scale_grad_by_freq", "sparse",
            "mode", "include_last_offset"]
    r = {k: jsonable(getattr(m, k)) for k in keys if hasattr(m, k)}
    if isinstance(m, (nn.Conv1d, nn.Conv2d)): r["bias"] = m.bias is not None
    return r


# ------------------------------------------------------------------ generic module case
def case(fname, name, cls, kw, make_inputs, train=True, setup=None, note=None, input_kind="torch.randn",
         exact=(), cls_name=None, ctor=None, args=None):
    """Module under the case seed (default init), optional setup, inputs; then one forward/backward
    in float64 (the reference) and one in float32 (to measure PyTorch's own float32 error)."""
    cid = f"{fname.replace('.safetensors', '')}/{name}"; seed = seed_of(cid)
    torch.manual_seed(seed)
    m = (getattr(nn, cls) if isinstance(cls, str) else cls)(**kw)
    if setup: setup(m)
    ins = make_inputs()
    e = {"files": [fname], "layer": cls_name or "nn." + cls, "constructor": ctor or call_str("nn." + cls, kw),
         "args": args if args is not None else {k: jsonable(v) for k, v in kw.items()},
         "resolved": resolved(m), "torch_repr": repr(m), "training": train, "seed": seed,
         "input_shapes": {k: list(v.shape) for k, v in ins.items()}, "input_kind": input_kind, "precision": "float64"}
    if setup: e["setup"] = setup.__doc__
    if note: e["note"] = note
    e["tensors"] = {}

    def run(dtype, g=None):
        mm = copy.deepcopy(m).to(dtype); mm.train(train)
        a = {k: (v.to(dtype).requires_grad_() if v.is_floating_point() else v) for k, v in ins.items()}
        o = mm(*a.values()); idx = None
        if isinstance(o, tuple): o, idx = o
        if g is None: g = torch.randn(o.shape)
        o.backward(g.to(dtype))
        return mm, a, o, idx, g
    sd0 = {k: v.clone() for k, v in m.state_dict().items()}
    m64, a64, y64, i64, g = run(torch.float64)
    m32, a32, y32, i32, _ = run(torch.float32, g)
    for k, v in ins.items(): put(fname, f"{name}/{k}", v, e)
    for k, v in sd0.items(): put(fname, f"{name}/state/{k}", v, e)
    put(fname, f"{name}/output", y64, e)
    if i64 is not None:
        assert torch.equal(i64, i32); put(fname, f"{name}/indices", i64, e)
    put(fname, f"{name}/grad_output", g, e)
    obs = {f"{name}/output": maxdiff(y32, y64)}
    for k, v in a64.items():
        if v.is_floating_point():
            r = "grad_input" if k == "input" else f"grad_{k}"
            put(fname, f"{name}/{r}", v.grad, e); obs[f"{name}/{r}"] = maxdiff(a32[k].grad, v.grad)
    p32 = dict(m32.named_parameters())
    for k, p in m64.named_parameters():
        put(fname, f"{name}/grad/{k}", p.grad, e); obs[f"{name}/grad/{k}"] = maxdiff(p32[k].grad, p.grad)
    if train and any(True for _ in m64.buffers()):
        s32, bufs = m32.state_dict(), dict(m64.named_buffers())
        for k, v in m64.state_dict().items():
            if k in bufs:
                put(fname, f"{name}/state_after/{k}", v, e)
                if v.is_floating_point(): obs[f"{name}/state_after/{k}"] = maxdiff(s32[k], v)
    if sd0: e["state_dict_keys"] = list(sd0.keys())
    e["shape_check"] = shape_check(m, ins, y64)
    if e["shape_check"] is not None: assert e["shape_check"]["matches"], (cid, e["shape_check"])
    tolerance(e, obs, 1e-5, [f"{name}/{r}" for r in exact] + ([f"{name}/indices"] if i64 is not None else []))
    CASES[cid] = e
    return m, ins, e


rn = lambda *s: (lambda: {"input": torch.randn(*s)})
ties = lambda *s: (lambda: {"input": torch.randint(-2, 3, s).to(torch.float32)})
TIES = "torch.randint(-2, 3, shape).float() (ties)"
CONV_SHAPE = "per spatial dim: L_out = floor((L_in + 2*padding - dilation*(kernel_size-1) - 1)/stride) + 1; padding='same' (stride 1 only): L_out = L_in; channels = out_channels"

# ------------------------------------------------------------------ 1. Conv1d
F1 = "conv1d.safetensors"
FAMILIES["conv1d"] = {"layer": "nn.Conv1d", "weight_layout": "[out_channels, in_channels/groups, kernel_size]", "bias_layout": "[out_channels]", "shape_formula": CONV_SHAPE,
                      "notes": ["cross-correlation (no kernel flip): y[n,o,l] = bias[o] + sum_{c in group(o), k} w[o, c - g*in/groups, k] * xpad[n, c, l*stride + k*dilation]",
                                "groups: input and output channels split into consecutive blocks; output channel o reads group o // (out_channels/groups); groups = in_channels is depthwise (out_channels may be a multiple: 'depthwise multiplier')",
                                "padding='same' needs stride 1; total padding dilation*(k-1) is split left = total//2, right = total - left, so an odd total puts the extra zero on the RIGHT (case k4_same: 1 left, 2 right)",
                                "padding_mode='reflect' mirrors without repeating the edge sample ([1,2,3,4] pad 2 -> [3,2,1,2,3,4,3,2]) and needs padding < L_in"]}
for name, kw, L in [
    ("k3", dict(in_channels=3, out_channels=4, kernel_size=3), 9),
    ("k3_s2", dict(in_channels=3, out_channels=4, kernel_size=3, stride=2), 8),
    ("k3_s2_p1", dict(in_channels=3, out_channels=4, kernel_size=3, stride=2, padding=1), 9),
    ("k3_same", dict(in_channels=3, out_channels=4, kernel_size=3, padding="same"), 9),
    ("k4_same", dict(in_channels=2, out_channels=3, kernel_size=4, padding="same"), 9),
    ("k3_d2", dict(in_channels=3, out_channels=4, kernel_size=3, dilation=2), 9),
    ("k3_d2_same", dict(in_channels=3, out_channels=4, kernel_size=3, dilation=2, padding="same"), 9),
    ("k3_p1_g2", dict(in_channels=4, out_channels=4, kernel_size=3, padding=1, groups=2), 9),
    ("k3_p1_depthwise", dict(in_channels=4, out_channels=4, kernel_size=3, padding=1, groups=4), 9),
    ("k3_depthwise_mult2", dict(in_channels=2, out_channels=4, kernel_size=3, groups=2), 9),
    ("k3_nobias", dict(in_channels=3, out_channels=4, kernel_size=3, bias=False), 9),
    ("k3_p2_reflect", dict(in_channels=3, out_channels=4, kernel_size=3, padding=2, padding_mode="reflect"), 9),
    ("k3_s2_p1_d2_g2_nobias", dict(in_channels=4, out_channels=2, kernel_size=3, stride=2, padding=1, dilation=2, groups=2, bias=False), 9),
]:
    m, ins, e = case(F1, name, "Conv1d", kw, rn(2, kw["in_channels"], L))
    x, w, b = ins["input"].double(), m.weight.double(), None if m.bias is None else m.bias.double()
    if m.padding == "same":  # pin the asymmetric split of 'same' padding
        t = m.dilation[0] * (m.kernel_size[0] - 1); lr = (t // 2, t - t // 2)
        assert torch.allclose(F.conv1d(F.pad(x, lr), w, b, dilation=m.dilation), m.double()(x))
        e["note"] = f"same padding split (left, right) = {list(lr)}, checked against F.pad then a valid conv"
    if m.padding_mode == "reflect":
        assert torch.allclose(F.conv1d(F.pad(x, (2, 2), mode="reflect"), w, b), m.double()(x))
        e["note"] = "equals F.pad(x, (2, 2), mode='reflect') then a valid conv (checked)"

# ------------------------------------------------------------------ 2. Conv2d (inputs 7x6 / 9x6: H != W catches H/W swaps)
F2 = "conv2d.safetensors"
FAMILIES["conv2d"] = {"layer": "nn.Conv2d", "weight_layout": "[out_channels, in_channels/groups, kH, kW]", "bias_layout": "[out_channels]", "shape_formula": CONV_SHAPE + " (dims H then W; tuple args are (H, W))",
                      "notes": ["same rules as conv1d per spatial dim; 'same' puts the odd extra zero at the BOTTOM/RIGHT (case k4x2_same: H 1 top 2 bottom, W 0 left 1 right)"]}
for name, kw, hw in [
    ("k3", dict(in_channels=3, out_channels=4, kernel_size=3), (7, 6)),
    ("k3_s2", dict(in_channels=3, out_channels=4, kernel_size=3, stride=2), (7, 6)),
    ("k3_s2_p1", dict(in_channels=3, out_channels=4, kernel_size=3, stride=2, padding=1), (7, 6)),
    ("k3_same", dict(in_channels=3, out_channels=4, kernel_size=3, padding="same"), (7, 6)),
    ("k4x2_same", dict(in_channels=2, out_channels=3, kernel_size=(4, 2), padding="same"), (7, 6)),
    ("k3_d2", dict(in_channels=3, out_channels=4, kernel_size=3, dilation=2), (7, 6)),
    ("k3_d2_same", dict(in_channels=3, out_channels=4, kernel_size=3, dilation=2, padding="same"), (7, 6)),
    ("k3_p1_g2", dict(in_channels=4, out_channels=4, kernel_size=3, padding=1, groups=2), (7, 6)),
    ("k3_p1_depthwise", dict(in_channels=4, out_channels=4, kernel_size=3, padding=1, groups=4), (7, 6)),
    ("k3_depthwise_mult2", dict(in_channels=2, out_channels=4, kernel_size=3, groups=2), (7, 6)),
    ("k3_nobias", dict(in_channels=3, out_channels=4, kernel_size=3, bias=False), (7, 6)),
    ("k3_p2x1_reflect", dict(in_channels=3, out_channels=4, kernel_size=3, padding=(2, 1), padding_mode="reflect"), (7, 6)),
    ("k3x2", dict(in_channels=3, out_channels=4, kernel_size=(3, 2)), (7, 6)),
    ("k3_s2x1_p1", dict(in_channels=3, out_channels=4, kernel_size=3, stride=(2, 1), padding=1), (7, 6)),
    ("k1x1", dict(in_channels=3, out_channels=4, kernel_size=1), (7, 6)),
    ("k3x2_s2x1_p1x0_d2x1_g2_nobias", dict(in_channels=4, out_channels=2, kernel_size=(3, 2), stride=(2, 1), padding=(1, 0), dilation=(2, 1), groups=2, bias=False), (9, 6)),
]:
    m, ins, e = case(F2, name, "Conv2d", kw, rn(2, kw["in_channels"], *hw))
    x, w, b = ins["input"].double(), m.weight.double(), None if m.bias is None else m.bias.double()
    if m.padding == "same":
        pads = []
        for d in (1, 0):  # F.pad order: (W_left, W_right, H_top, H_bottom)
            t = m.dilation[d] * (m.kernel_size[d] - 1); pads += [t // 2, t - t // 2]
        assert torch.allclose(F.conv2d(F.pad(x, pads), w, b, dilation=m.dilation), m.double()(x))
        e["note"] = f"same padding (top, bottom, left, right) = {[pads[2], pads[3], pads[0], pads[1]]}, checked against F.pad then a valid conv"
    if m.padding_mode == "reflect":
        assert torch.allclose(F.conv2d(F.pad(x, (1, 1, 2, 2), mode="reflect"), w, b), m.double()(x))
        e["note"] = "padding=(2,1): H mirrored by 2, W by 1; equals F.pad(x, (1, 1, 2, 2), mode='reflect') then a valid conv (checked)"

# ------------------------------------------------------------------ 3. MaxPool1d / MaxPool2d (return_indices=True)
FM = "maxpool.safetensors"
TIE = ("ties: the FIRST maximum in scan order wins (row-major over the window = smallest flat index); PyTorch CPU, same in float32 and float64. "
       "The whole gradient of an output goes to that one element; overlapping windows that pick the same element accumulate.")
FAMILIES["maxpool"] = {"layer": "nn.MaxPool1d / nn.MaxPool2d", "shape_formula": "L_out = floor((L_in + 2*padding - dilation*(kernel_size-1) - 1)/stride) + 1, ceil instead of floor with ceil_mode; then, with ceil_mode, if (L_out-1)*stride >= L_in + padding the last window (it would start in the right padding) is dropped",
                       "notes": [TIE, "stride defaults to kernel_size; padding is implicit -inf (never selected); padding must be <= kernel_size/2, the raw kernel_size even with dilation (else RuntimeError 'pad should be at most half of effective kernel size' / '... smaller than or equal to half of kernel size')",
                                 "indices (return_indices=True, int64): flat position within each (n, c) plane of the UNPADDED input (l for 1-D, h*W + w for 2-D)",
                                 "NaN (not in these files): a NaN in a window wins and propagates, with its index",
                                 "inputs marked (ties) are torch.randint(-2, 3, shape) as float32: many exact ties inside a window and across overlapping windows",
                                 "output and indices are exact (a max is a selection); grad_input sums grad_output values (exact zero pattern, values within atol); the generator re-derives every index with the first-maximum rule"]}
hand1 = lambda: {"input": torch.tensor([[[1., 3, 3, 2, 3, 0, 3, 3, 1]], [[5., 5, 5, 5, 5, 5, 5, 5, 5]]])}
hand2 = lambda: {"input": torch.tensor([[[[2., 2, 1, 0], [2, 2, 0, 3], [1, 0, 2, 3], [3, 3, 3, 3]]], [[[1., 1, 1, 1]] * 4]])}
for name, cls, kw, mk, kind in [
    ("1d_k2", "MaxPool1d", dict(kernel_size=2, return_indices=True), rn(2, 3, 9), "torch.randn"),
    ("1d_k2_ties", "MaxPool1d", dict(kernel_size=2, return_indices=True), ties(2, 3, 9), TIES),
    ("1d_k3_s1_ties", "MaxPool1d", dict(kernel_size=3, stride=1, return_indices=True), ties(2, 3, 9), TIES),
    ("1d_k3_s2_p1_ties", "MaxPool1d", dict(kernel_size=3, stride=2, padding=1, return_indices=True), ties(2, 3, 9), TIES),
    ("1d_k2_d2_ties", "MaxPool1d", dict(kernel_size=2, dilation=2, return_indices=True), ties(2, 3, 9), TIES),
    ("1d_k3_s2_ceil_ties", "MaxPool1d", dict(kernel_size=3, stride=2, ceil_mode=True, return_indices=True), ties(2, 3, 8), TIES),
    ("1d_k2_s2_p1_ceil_ties", "MaxPool1d", dict(kernel_size=2, stride=2, padding=1, ceil_mode=True, return_indices=True), ties(2, 3, 9), TIES),
    ("1d_k3_s1_handmade_ties", "MaxPool1d", dict(kernel_size=3, stride=1, return_indices=True), hand1, "hand-made: row 0 [1,3,3,2,3,0,3,3,1], row 1 all 5"),
    ("2d_k2", "MaxPool2d", dict(kernel_size=2, return_indices=True), rn(2, 2, 7, 6), "torch.randn"),
    ("2d_k2_ties", "MaxPool2d", dict(kernel_size=2, return_indices=True), ties(2, 2, 7, 6), TIES),
    ("2d_k3_s1_ties", "MaxPool2d", dict(kernel_size=3, stride=1, return_indices=True), ties(2, 2, 7, 6), TIES),
    ("2d_k3_s2_p1_ties", "MaxPool2d", dict(kernel_size=3, stride=2, padding=1, return_indices=True), ties(2, 2, 7, 6), TIES),
    ("2d_k2_d2_ties", "MaxPool2d", dict(kernel_size=2, dilation=2, return_indices=True), ties(2, 2, 7, 6), TIES),
    ("2d_k3_s2_ceil_ties", "MaxPool2d", dict(kernel_size=3, stride=2, ceil_mode=True, return_indices=True), ties(2, 2, 7, 6), TIES),
    ("2d_k2_s2_p1_ceil_ties", "MaxPool2d", dict(kernel_size=2, stride=2, padding=1, ceil_mode=True, return_indices=True), ties(2, 2, 7, 6), TIES),
    ("2d_k2x3_s1x2_ties", "MaxPool2d", dict(kernel_size=(2, 3), stride=(1, 2), return_indices=True), ties(2, 2, 7, 6), TIES),
    ("2d_k2_s1_handmade_ties", "MaxPool2d", dict(kernel_size=2, stride=1, return_indices=True), hand2, "hand-made 4x4 planes: [[2,2,1,0],[2,2,0,3],[1,0,2,3],[3,3,3,3]] and all ones"),
]:
    m, ins, e = case(FM, name, cls, kw, mk, input_kind=kind, exact=["output"])
    x = ins["input"]; sp = x.shape[2:]; n = len(sp); idx = FILES[FM][f"{name}/indices"]
    k, st, pd, dl = (tup(v, n) for v in (m.kernel_size, m.stride, m.padding, m.dilation))
    for oi in np.ndindex(*idx.shape[2:]):  # re-derive every index with the first-maximum rule
        pos = [[o * st[d] - pd[d] + j * dl[d] for j in range(k[d]) if 0 <= o * st[d] - pd[d] + j * dl[d] < sp[d]] for d, o in enumerate(oi)]
        flat = sorted(int(np.ravel_multi_index(q, sp)) for q in np.ndindex(*[len(v) for v in pos]) for q in [tuple(pos[d][q[d]] for d in range(n))])
        v = x.flatten(2)[:, :, flat]; first = torch.tensor(flat)[v.argmax(-1)]  # argmax returns the first maximal position
        assert torch.equal(first, idx[(Ellipsis,) + oi]), (name, oi)

# ------------------------------------------------------------------ 4. AvgPool1d / AvgPool2d, adaptive pools
FA = "avgpool.safetensors"
FAMILIES["avgpool"] = {"layer": "nn.AvgPool1d / nn.AvgPool2d", "shape_formula": "L_out = floor((L_in + 2*padding - kernel_size)/stride) + 1, ceil with ceil_mode, then the same 'window starting in the right padding is dropped' rule as max pooling",
                       "notes": ["count_include_pad defaults to True: zero padding counts in the divisor",
                                 "divisor per window (ATen avg_pool kernels): start = o*stride - padding, end = min(start + k, L_in + padding) (clipped to the PADDED extent); count_include_pad=True divides by end - start, False by the number of real input elements in [max(start,0), min(end,L_in)); 2-D multiplies the H and W factors; divisor_override (AvgPool2d only) replaces it",
                                 "so with ceil_mode a window hanging past the right padding is NOT divided by kernel_size even with count_include_pad=True (cases *_ceil_incl; see divisor_factors_per_dim)"]}
for name, cls, kw, mk in [
    ("1d_k3", "AvgPool1d", dict(kernel_size=3), rn(2, 3, 9)),
    ("1d_k3_s2_p1_incl", "AvgPool1d", dict(kernel_size=3, stride=2, padding=1), rn(2, 3, 9)),
    ("1d_k3_s2_p1_excl", "AvgPool1d", dict(kernel_size=3, stride=2, padding=1, count_include_pad=False), rn(2, 3, 9)),
    ("1d_k3_s2_p1_ceil_incl", "AvgPool1d", dict(kernel_size=3, stride=2, padding=1, ceil_mode=True), rn(2, 3, 8)),
    ("1d_k3_s2_p1_ceil_excl", "AvgPool1d", dict(kernel_size=3, stride=2, padding=1, ceil_mode=True, count_include_pad=False), rn(2, 3, 8)),
    ("1d_k2_ceil", "AvgPool1d", dict(kernel_size=2, ceil_mode=True), rn(2, 3, 9)),
    ("2d_k2", "AvgPool2d", dict(kernel_size=2), rn(2, 2, 7, 6)),
    ("2d_k3_s2_p1_incl", "AvgPool2d", dict(kernel_size=3, stride=2, padding=1), rn(2, 2, 7, 6)),
    ("2d_k3_s2_p1_excl", "AvgPool2d", dict(kernel_size=3, stride=2, padding=1, count_include_pad=False), rn(2, 2, 7, 6)),
    ("2d_k3_s2_p1_ceil_incl", "AvgPool2d", dict(kernel_size=3, stride=2, padding=1, ceil_mode=True), rn(2, 2, 7, 6)),
    ("2d_k3_s2_p1_ceil_excl", "AvgPool2d", dict(kernel_size=3, stride=2, padding=1, ceil_mode=True, count_include_pad=False), rn(2, 2, 7, 6)),
    ("2d_k3x2_s1x2", "AvgPool2d", dict(kernel_size=(3, 2), stride=(1, 2)), rn(2, 2, 7, 6)),
    ("2d_k2_divisor3", "AvgPool2d", dict(kernel_size=2, divisor_override=3), rn(2, 2, 7, 6)),
]:
    m, ins, e = case(FA, name, cls, kw, mk)
    x = ins["input"].double(); n = x.dim() - 2; k, s, p = tup(m.kernel_size, n), tup(m.stride, n), tup(m.padding, n)
    dov = getattr(m, "divisor_override", None)  # AvgPool1d has no divisor_override
    wins, divs = [], []
    for d, L in enumerate(x.shape[2:]):
        wd, dd = [], []
        for o in range(e["shape_check"]["expected"][2 + d]):
            st = o * s[d] - p[d]; en = min(st + k[d], L + p[d]); wd.append((max(st, 0), min(en, L)))
            dd.append(en - st if m.count_include_pad else min(en, L) - max(st, 0))
        wins.append(wd); divs.append(dd)
    # re-derive the output from the divisor rule above and check it against PyTorch
    ref = torch.zeros(FILES[FA][f"{name}/output"].shape, dtype=torch.float64)
    for oi in np.ndindex(*ref.shape[2:]):
        sl = tuple(slice(*wins[d][oi[d]]) for d in range(n))
        dv = dov if dov is not None else int(np.prod([divs[d][oi[d]] for d in range(n)]))
        ref[(Ellipsis,) + oi] = x[(Ellipsis,) + sl].sum(dim=tuple(range(2, 2 + n))) / dv
    assert torch.allclose(ref.float(), FILES[FA][f"{name}/output"], atol=1e-6)
    e["divisor_factors_per_dim"] = divs if dov is None else f"divisor_override={dov}"

FP = "adaptivepool.safetensors"
FAMILIES["adaptivepool"] = {"layer": "nn.AdaptiveAvgPool2d / nn.AdaptiveMaxPool2d", "shape_formula": "L_out = output_size; output i pools input [floor(i*L_in/L_out), ceil((i+1)*L_in/L_out)) per dim (windows may overlap and differ in size)",
                            "notes": ["AdaptiveMaxPool2d uses the same first-maximum tie rule and flat (h*W + w) indices as MaxPool2d", "(1, 1) is global average / max pooling"]}
for name, cls, kw, mk, kind in [
    ("avg_1x1", "AdaptiveAvgPool2d", dict(output_size=(1, 1)), rn(2, 3, 5, 7), "torch.randn"),
    ("avg_2x3", "AdaptiveAvgPool2d", dict(output_size=(2, 3)), rn(2, 3, 5, 7), "torch.randn"),
    ("max_1x1", "AdaptiveMaxPool2d", dict(output_size=(1, 1), return_indices=True), rn(2, 3, 5, 7), "torch.randn"),
    ("max_1x1_ties", "AdaptiveMaxPool2d", dict(output_size=(1, 1), return_indices=True), ties(2, 3, 5, 7), TIES),
    ("max_2x3_ties", "AdaptiveMaxPool2d", dict(output_size=(2, 3), return_indices=True), ties(2, 3, 5, 7), TIES),
]:
    case(FP, name, cls, kw, mk, input_kind=kind, exact=["output"] if "max" in name else [])

# ------------------------------------------------------------------ 5. BatchNorm2d
FB = "batchnorm2d.safetensors"
def bn_setup(m):
    """running_mean = 0.5*randn(3), running_var = rand(3) + 0.5, num_batches_tracked = 4; if affine: weight = 1 + 0.2*randn(3), bias = 0.2*randn(3)"""
    with torch.no_grad():
        m.running_mean.copy_(0.5 * torch.randn(3)); m.running_var.copy_(torch.rand(3) + 0.5); m.num_batches_tracked.fill_(4)
        if m.affine: m.weight.copy_(1 + 0.2 * torch.randn(3)); m.bias.copy_(0.2 * torch.randn(3))
bn_in = lambda: {"input": torch.randn(2, 3, 4, 5) * torch.tensor([1.0, 2.0, 0.5]).view(1, 3, 1, 1) + torch.tensor([0.5, -1.0, 2.0]).view(1, 3, 1, 1)}
FAMILIES["batchnorm2d"] = {"layer": "nn.BatchNorm2d", "shape_formula": "output shape = input shape (N, C, H, W)",
                           "notes": ["training: y = (x - mean)/sqrt(var_biased + eps)*weight + bias, statistics per channel over (N, H, W); the backward goes through the batch statistics",
                                     "running_var is updated with the UNBIASED variance (times m/(m-1), m = N*H*W = 40 here); running = (1-momentum)*running + momentum*batch_stat",
                                     "momentum=None: cumulative average, momentum = 1/num_batches_tracked AFTER the increment (here 1/5); num_batches_tracked += 1 in every training forward whatever momentum is",
                                     "eval: y = (x - running_mean)/sqrt(running_var + eps)*weight + bias, buffers untouched",
                                     "affine=False: no weight/bias in the state_dict (only the three buffers)", "num_batches_tracked is int64 with shape []"]}
for name, kw, train in [("train_momentum0.1", dict(num_features=3), True), ("train_momentumNone", dict(num_features=3, momentum=None), True),
                        ("train_noaffine", dict(num_features=3, affine=False), True), ("eval", dict(num_features=3), False),
                        ("eval_noaffine", dict(num_features=3, affine=False), False)]:
    case(FB, name, "BatchNorm2d", kw, bn_in, train=train, setup=bn_setup, input_kind="torch.randn(2,3,4,5) * [1, 2, 0.5] + [0.5, -1, 2] per channel")

# ------------------------------------------------------------------ 6. Dropout2d: facts only
torch.manual_seed(seed_of("dropout2d"))
p = 0.3; d = nn.Dropout2d(p); x = torch.ones(16, 64, 3, 3); y = d(x)
planes = y.flatten(2); vals = sorted(set(y.unique().tolist()))
whole = bool(((planes == 0).all(-1) | (planes == vals[-1]).all(-1)).all())
d.eval(); ident = torch.equal(d(x), x)
with warnings.catch_warnings(record=True) as w:
    warnings.simplefilter("always"); d.train(); d(torch.ones(4, 8, 5))
FAMILIES["dropout2d"] = {
    "layer": "nn.Dropout2d", "constructor": "nn.Dropout2d(p=0.5, inplace=False)", "files": [],
    "training": "each (n, c) feature map is zeroed as a whole with probability p (one Bernoulli draw per sample and channel, mask shape (N, C, 1, 1)); surviving maps are multiplied by 1/(1-p)",
    "backward": "grad_input = grad_output * mask / (1-p), same mask", "eval": "identity", "p=1": "all zeros; p must be in [0, 1]",
    "checked_here": {"p": p, "input": "torch.ones(16, 64, 3, 3)", "every_plane_all_zero_or_all_1/(1-p)": whole, "distinct_output_values_float32": vals,
                     "1/(1-p)": 1 / (1 - p), "fraction_of_planes_dropped": float((planes == 0).all(-1).float().mean()), "eval_is_identity": ident},
    "3-D input": "a 3-D input is taken as (N, C, L) and whole rows are dropped (channel-wise 1-D dropout), not as an unbatched (C, H, W); PyTorch warns: " + (str(w[0].message) if w else "(no warning)"),
    "random values": "none stored: Neurite need not reproduce PyTorch's Bernoulli stream; test the statistics"}

# ------------------------------------------------------------------ 7. Embedding
FE = "embedding.safetensors"
FAMILIES["embedding"] = {"layer": "nn.Embedding", "weight_layout": "[num_embeddings, embedding_dim]", "shape_formula": "output shape = input.shape + (embedding_dim,)",
                         "notes": ["forward = weight[ids] (a copy: exact); backward: grad_weight[i] = sum of grad_output rows whose id is i (repeats accumulate), 0 for unused rows",
                                   "padding_idx: that row is zero-initialised by the constructor and always gets a zero gradient; negative padding_idx is normalised to num_embeddings + padding_idx (-1 -> 9)",
                                   "default init: weight ~ N(0, 1)"]}
for name, kw, ids in [
    ("ids2d", dict(num_embeddings=10, embedding_dim=4), [[1, 2, 4, 2, 9], [4, 3, 2, 8, 1]]),
    ("ids1d", dict(num_embeddings=10, embedding_dim=4), [7, 7, 0, 3, 7, 5]),
    ("padding_idx0", dict(num_embeddings=10, embedding_dim=4, padding_idx=0), [[0, 2, 4, 0, 9], [4, 0, 2, 8, 1]]),
    ("padding_idx_neg1", dict(num_embeddings=10, embedding_dim=4, padding_idx=-1), [[9, 2, 4, 9, 9], [4, 0, 2, 8, 1]]),
]:
    t = torch.tensor(ids, dtype=torch.int64)
    m, ins, e = case(FE, name, "Embedding", kw, (lambda t=t: {"input": t}), input_kind="hand-made int64 ids with repeats", exact=["output"])
    if m.padding_idx is not None: assert not FILES[FE][f"{name}/grad/weight"][m.padding_idx].any()

# ------------------------------------------------------------------ 8. EmbeddingBag
FG = "embedding_bag.safetensors"
FAMILIES["embedding_bag"] = {"layer": "nn.EmbeddingBag", "weight_layout": "[num_embeddings, embedding_dim]",
                             "shape_formula": "1-D input + offsets: (len(offsets) - int(include_last_offset), embedding_dim); 2-D input (B, L): (B, embedding_dim)",
                             "notes": ["mode defaults to 'mean'. Bag b holds input[offsets[b] : offsets[b+1]] (the last bag runs to the end unless include_last_offset=True, when offsets has num_bags + 1 entries ending with len(input))",
                                       "an EMPTY bag (offsets[b] == offsets[b+1]) gives a zero row for sum, mean and max (no NaN) and sends no gradient",
                                       "per_sample_weights only with mode='sum': out[b] = sum_j psw[j]*weight[ids[j]], grad_psw[j] = dot(grad_output[b], weight[ids[j]])",
                                       "padding_idx: those ids are skipped (not counted by mean); a bag of only padding gives zeros; the row is zero-initialised and gets no gradient",
                                       "2-D input: each row is one bag, offsets must be None", "max mode: output is a per-column selection (exact); the gradient goes to the arg-max id of each column"]}
ids8 = torch.tensor([1, 2, 4, 5, 4, 3, 2, 9]); off = torch.tensor([0, 3, 3, 6]); ids2 = torch.tensor([[1, 2, 4, 2], [5, 5, 0, 9], [3, 7, 7, 7]])
BAGS = "bags [1,2,4], [] (empty), [5,4,3], [2,9]"
for name, kw, mk, nt in [
    ("sum_offsets", dict(num_embeddings=10, embedding_dim=3, mode="sum"), lambda: {"input": ids8, "offsets": off}, BAGS),
    ("mean_offsets", dict(num_embeddings=10, embedding_dim=3, mode="mean"), lambda: {"input": ids8, "offsets": off}, BAGS),
    ("max_offsets", dict(num_embeddings=10, embedding_dim=3, mode="max"), lambda: {"input": ids8, "offsets": off}, BAGS),
    ("sum_offsets_include_last", dict(num_embeddings=10, embedding_dim=3, mode="sum", include_last_offset=True), lambda: {"input": ids8, "offsets": torch.tensor([0, 3, 3, 6, 8])}, BAGS + " (same bags as sum_offsets, other weights)"),
    ("sum_2d", dict(num_embeddings=10, embedding_dim=3, mode="sum"), lambda: {"input": ids2}, "bags are the rows"),
    ("mean_2d", dict(num_embeddings=10, embedding_dim=3, mode="mean"), lambda: {"input": ids2}, "bags are the rows"),
    ("sum_per_sample_weights", dict(num_embeddings=10, embedding_dim=3, mode="sum"), lambda: {"input": ids8, "offsets": off, "per_sample_weights": torch.randn(8)}, BAGS + "; per_sample_weights = torch.randn(8)"),
    ("mean_padding_idx0", dict(num_embeddings=10, embedding_dim=3, mode="mean", padding_idx=0), lambda: {"input": torch.tensor([0, 2, 0, 0, 5, 4, 0, 3]), "offsets": torch.tensor([0, 3, 4, 6])}, "bags [0,2,0] -> mean of [2] only, [0] -> zeros, [5,4], [0,3] -> row 3"),
    ("sum_padding_idx0", dict(num_embeddings=10, embedding_dim=3, mode="sum", padding_idx=0), lambda: {"input": torch.tensor([0, 2, 0, 0, 5, 4, 0, 3]), "offsets": torch.tensor([0, 3, 4, 6])}, "bags [0,2,0], [0] -> zeros, [5,4], [0,3]"),
]:
    m, ins, e = case(FG, name, "EmbeddingBag", kw, mk, exact=["output"] if "max" in name else [], input_kind="hand-made int64 ids/offsets", note=nt)
    if "offsets" in ins and not m.include_last_offset and "padding" not in name: assert not FILES[FG][f"{name}/output"][1].any()  # empty bag -> zeros

# ------------------------------------------------------------------ 9. ResNet basic block (torchvision.models.resnet.BasicBlock, same code)
class BasicBlock(nn.Module):
    expansion = 1
    def __init__(self, inplanes, planes, stride=1, downsample=None):
        super().__init__()
        self.conv1 = nn.Conv2d(inplanes, planes, kernel_size=3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes); self.relu = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(planes, planes, kernel_size=3, stride=1, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes); self.downsample = downsample; self.stride = stride
    def forward(self, x):
        identity = x
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        if self.downsample is not None: identity = self.downsample(x)
        return self.relu(out + identity)
def make_block(inplanes, planes, stride=1):
    ds = None
    if stride != 1 or inplanes != planes:  # as torchvision ResNet._make_layer builds it
        ds = nn.Sequential(nn.Conv2d(inplanes, planes, kernel_size=1, stride=stride, bias=False), nn.BatchNorm2d(planes))
    return BasicBlock(inplanes, planes, stride, ds)
def block_setup(m):
    """after default init, every BatchNorm2d gets weight = 1 + 0.2*randn(C), bias = 0.2*randn(C) (in module order)"""
    with torch.no_grad():
        for mod in m.modules():
            if isinstance(mod, nn.BatchNorm2d): mod.weight.copy_(1 + 0.2 * torch.randn(mod.num_features)); mod.bias.copy_(0.2 * torch.randn(mod.num_features))
FR = "resnet_block.safetensors"
FAMILIES["resnet_block"] = {"layer": "torchvision.models.resnet.BasicBlock (class re-typed in the generator, same code and key names)",
                            "shape_formula": "conv1 (3x3, stride s, pad 1) and downsample (1x1, stride s): L_out = floor((L_in - 1)/s) + 1; conv2 keeps the size",
                            "notes": ["out = relu(bn2(conv2(relu(bn1(conv1(x))))) + identity), identity = x or downsample(x); convs have bias=False",
                                      "downsample = Sequential(Conv2d(inplanes, planes, 1, stride, bias=False), BatchNorm2d(planes)) as ResNet._make_layer builds it when stride != 1 or inplanes != planes (keys downsample.0.*, downsample.1.*)",
                                      "training mode: every BN uses batch statistics and updates its running stats (state_after/*)"]}
for name, inp, pl, st, hw in [("identity", 4, 4, 1, (6, 5)), ("stride2_projection", 2, 4, 2, (7, 6))]:
    ds = "None" if st == 1 else f"nn.Sequential(nn.Conv2d({inp}, {pl}, kernel_size=1, stride={st}, bias=False), nn.BatchNorm2d({pl}))"
    m, ins, e = case(FR, name, make_block, dict(inplanes=inp, planes=pl, stride=st), rn(2, inp, *hw), setup=block_setup,
                     cls_name="torchvision.models.resnet.BasicBlock",
                     ctor=f"torchvision.models.resnet.BasicBlock(inplanes={inp}, planes={pl}, stride={st}, downsample={ds})",
                     args={"inplanes": inp, "planes": pl, "stride": st, "downsample": ds})
    H, W = hw; exp = [2, pl, (H - 1) // st + 1, (W - 1) // st + 1]; act = list(FILES[FR][f"{name}/output"].shape)
    e["shape_check"] = {"expected": exp, "actual": act, "matches": exp == act}; assert exp == act

# ------------------------------------------------------------------ 10. 2-conv network (float32 computed in float32)
FN, FNG = "two_conv_net.safetensors", "two_conv_net_grads.safetensors"
NET = ("nn.Sequential(nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), "
       "nn.Flatten(), nn.Linear(3136, 128), nn.ReLU(), nn.Linear(128, 10))")
FAMILIES["two_conv_net"] = {"layer": "nn.Sequential", "constructor": NET, "shape_formula": "28 -conv(pad 1)-> 28 -pool 2-> 14 -conv(pad 1)-> 14 -pool 2-> 7; flatten 64*7*7 = 3136 -> 128 -> 10",
                            "notes": ["state_dict keys are the Sequential indices: 0 conv1, 3 conv2, 7 fc1, 9 fc2 (.weight, .bias)", "Flatten is channel-major: feature = c*49 + h*7 + w",
                                      "parameters and inputs are in two_conv_net.safetensors, the parameter gradients in two_conv_net_grads.safetensors (two files keep each under 2 MB)"]}
cid = "two_conv_net/mnist_like"; torch.manual_seed(seed_of(cid))
net = eval(NET); xin = torch.rand(2, 1, 28, 28); tgt = torch.tensor([3, 7])
e = {"files": [FN, FNG], "layer": "nn.Sequential", "constructor": NET, "args": None, "torch_repr": repr(net), "training": True, "seed": seed_of(cid),
     "input_shapes": {"input": [2, 1, 28, 28], "target": [2]}, "input_kind": "input = torch.rand(2, 1, 28, 28) (uniform [0, 1)) drawn after the network; target = [3, 7]",
     "precision": "float32", "loss": "F.cross_entropy(logits, target), reduction='mean' (divides by 2)", "tensors": {}}
x = xin.clone().requires_grad_(); logits = net(x); logits.retain_grad(); loss = F.cross_entropy(logits, tgt); loss.backward()
put(FN, "net/input", xin, e); put(FN, "net/target", tgt, e)
for k, v in net.state_dict().items(): put(FN, f"net/state/{k}", v, e)
put(FN, "net/logits", logits, e); put(FN, "net/loss", loss, e); put(FN, "net/grad_logits", logits.grad, e); put(FN, "net/grad_input", x.grad, e)
for k, p_ in net.named_parameters(): put(FNG, f"net/grad/{k}", p_.grad, e)
net64 = copy.deepcopy(net).double(); x64 = xin.double().requires_grad_(); l64 = net64(x64); l64.retain_grad(); L64 = F.cross_entropy(l64, tgt); L64.backward()
obs = {"net/logits": maxdiff(logits, l64), "net/loss": maxdiff(loss, L64), "net/grad_logits": maxdiff(logits.grad, l64.grad), "net/grad_input": maxdiff(x.grad, x64.grad)}
g64 = dict(net64.named_parameters())
for k, p_ in net.named_parameters(): obs[f"net/grad/{k}"] = maxdiff(p_.grad, g64[k].grad)
e["state_dict_keys"] = list(net.state_dict().keys())
e["shape_check"] = {"expected": [2, 10], "actual": list(logits.shape), "matches": list(logits.shape) == [2, 10]}
tolerance(e, obs, 1e-4)
e["tolerance_why"] = "float32 PyTorch CPU result (1 thread); f32_err here is its distance from a float64 recompute. Another float32 implementation lands about as far from it, hence 1e-4 of each tensor's max"
CASES[cid] = e

# ------------------------------------------------------------------ 11. Grad-CAM (Captum LayerGradCam) on the 2-conv network
FC = "gradcam.safetensors"
FAMILIES["gradcam"] = {"layer": "captum.attr.LayerGradCam", "shape_formula": "attribution (N, 1, h, w) = layer output with the channel dim summed",
                       "notes": ["A = output of the layer (here the ReLU after each conv); alpha[n, c] = MEAN over (h, w) of d logits[n, target] / dA[n, c, h, w]; map = sum_c alpha[n, c]*A[n, c] (keepdim) -> (N, 1, h, w)",
                                 "relu_attributions defaults to False (signed map); True applies ReLU to the map; Captum does not normalise to [0, 1]",
                                 "LayerAttribution.interpolate(attr, dims, interpolate_mode='nearest') is F.interpolate(attr, dims, mode=...): default 'nearest'; 'bilinear' uses align_corners=False (F.interpolate default)",
                                 "target=3 for both inputs; the network is two_conv_net/mnist_like (weights and inputs in two_conv_net.safetensors)"]}
for lname, li in [("conv1_relu", 1), ("conv2_relu", 4)]:
    cid = f"gradcam/{lname}"
    e = {"files": [FC, FN], "layer": "captum.attr.LayerGradCam", "constructor": f"LayerGradCam(forward_func=net, layer=net[{li}])",
         "args": {"forward_func": "net = two_conv_net/mnist_like", "layer": f"net[{li}], the ReLU after the {'first' if li == 1 else 'second'} conv (its output is attributed)"},
         "attribute_args": {"inputs": "net/input", "target": 3, "relu_attributions": "False -> attr, True -> attr_relu", "attribute_to_layer_input": False, "attr_dim_summation": True},
         "precision": "float32", "tensors": {}}
    gc = LayerGradCam(net, net[li])
    attr = gc.attribute(xin, target=3); attr_r = gc.attribute(xin, target=3, relu_attributions=True)
    def alpha_and_map(nt, xx):  # the Grad-CAM formula by hand, to expose the channel weights
        acts = {}
        def keep(mod, i, o): o.retain_grad(); acts["a"] = o  # returns None: output unchanged
        h = nt[li].register_forward_hook(keep); nt(xx)[:, 3].sum().backward(); h.remove(); A = acts["a"]
        al = A.grad.mean(dim=(2, 3)); return al, (al[:, :, None, None] * A).sum(1, keepdim=True)
    alpha, manual = alpha_and_map(net, xin); alpha64, _ = alpha_and_map(net64, xin.double())
    e["manual_formula_max_abs_diff_vs_captum"] = maxdiff(manual, attr)
    for k in ["input"] + [f"state/{s}" for s in net.state_dict()]: e["tensors"][f"net/{k}"] = {"file": FN, "dtype": "float32", "shape": list(FILES[FN][f"net/{k}"].shape)}
    put(FC, f"{lname}/channel_weights_alpha", alpha, e); put(FC, f"{lname}/attr", attr, e); put(FC, f"{lname}/attr_relu", attr_r, e)
    gc64 = LayerGradCam(net64, net64[li]); a64 = gc64.attribute(xin.double(), target=3); a64r = gc64.attribute(xin.double(), target=3, relu_attributions=True)
    obs = {f"{lname}/channel_weights_alpha": maxdiff(alpha, alpha64), f"{lname}/attr": maxdiff(attr, a64), f"{lname}/attr_relu": maxdiff(attr_r, a64r)}
    if li == 4:
        e["interpolate"] = {"nearest": "LayerAttribution.interpolate(attr, (28, 28)) (Captum's default mode): each of the 14x14 cells becomes a 2x2 block",
                            "bilinear": "LayerAttribution.interpolate(attr, (28, 28), interpolate_mode='bilinear'), align_corners=False: src = (dst + 0.5)/2 - 0.5, clamped at the edges"}
        for mode in ("nearest", "bilinear"):
            for tag, a, b in (("attr", attr, a64), ("attr_relu", attr_r, a64r)):
                u = LayerAttribution.interpolate(a, (28, 28), interpolate_mode=mode); put(FC, f"{lname}/{tag}_up28_{mode}", u, e)
                obs[f"{lname}/{tag}_up28_{mode}"] = maxdiff(u, LayerAttribution.interpolate(b, (28, 28), interpolate_mode=mode))
    else:
        same = torch.equal(LayerAttribution.interpolate(attr, (28, 28)), attr) and torch.equal(LayerAttribution.interpolate(attr, (28, 28), interpolate_mode="bilinear"), attr)
        e["interpolate"] = f"not stored: the layer output is already 28x28 and interpolate to (28, 28) returns attr unchanged in nearest and bilinear mode (checked: {same})"
    hw = 28 if li == 1 else 14
    e["shape_check"] = {"expected": [2, 1, hw, hw], "actual": list(attr.shape), "matches": list(attr.shape) == [2, 1, hw, hw]}
    tolerance(e, obs, 1e-4)
    e["tolerance_why"] = "f32_err is the distance from a float64 recompute. float32 Captum on the float32 network; the maps are small (|attr| up to ~2e-4), so use the per-tensor atol, not a fixed 1e-6 (ReLU is continuous, so sign flips of near-zero values stay far below atol)"
    CASES[cid] = e


# ------------------------------------------------------------------ write files and index
def dumps(o, ind=0):  # json, one line per small object
    s = json.dumps(o)
    if len(s) + ind <= 120 or not isinstance(o, (dict, list)) or not o: return s
    pad = " " * (ind + 1)
    if isinstance(o, dict): return "{\n" + ",\n".join(f"{pad}{json.dumps(k)}: {dumps(v, ind + 1)}" for k, v in o.items()) + "\n" + " " * ind + "}"
    return "[\n" + ",\n".join(pad + dumps(v, ind + 1) for v in o) + "\n" + " " * ind + "]"


HEAD = {"about": "Neurite golden fixtures; cases described in index.json; written by generators/conv_text_golden.py"}  # one key: safetensors writes several in random order
files = {}
for fname, d in FILES.items():
    path = os.path.join(OUT, fname); save_file(d, path, metadata=HEAD); os.chmod(path, 0o644)
    b = open(path, "rb").read()
    files[fname] = {"bytes": len(b), "sha256": hashlib.sha256(b).hexdigest(), "tensors": len(d), "cases": [c for c, e in CASES.items() if fname in e["files"]]}
for fam in FAMILIES:
    FAMILIES[fam]["cases"] = [c for c in CASES if c.startswith(fam + "/")]
index = {
    "what": "Golden values for Neurite's conv, pooling, BatchNorm2d, Embedding, EmbeddingBag, a ResNet basic block, a 2-conv network and Grad-CAM, computed by the real PyTorch and Captum. See README.md.",
    "generator": "../generators/conv_text_golden.py (all paths are relative to this folder)",
    "versions": {"torch": torch.__version__, "captum": captum.__version__, "safetensors": safetensors.__version__, "numpy": np.__version__, "device": "CPU, torch.set_num_threads(1)"},
    "precision": "Inputs, parameters and upstream gradients are float32 numbers. Cases with precision 'float64': the module was copied to float64, run forward and backward in float64, and every result cast once to float32. Cases with precision 'float32' (two_conv_net, gradcam): computed in float32 by PyTorch CPU, as a float32 implementation would.",
    "key_scheme": {
        "<case>/input": "the input (float32; int64 ids for Embedding / EmbeddingBag); also <case>/offsets (int64), <case>/per_sample_weights, net/target (int64)",
        "<case>/state/<name>": "state_dict entry before the step, PyTorch name and layout (e.g. weight, bias, running_mean, running_var, num_batches_tracked int64 shape [], conv1.weight, downsample.1.bias, 0.weight)",
        "<case>/output": "forward output (two_conv_net: net/logits, net/loss)",
        "<case>/indices": "int64 indices from return_indices=True: flat index in each (n, c) plane of the unpadded input",
        "<case>/grad_output": "upstream gradient dL/d(output) = torch.randn(output.shape) with the case seed (two_conv_net: the loss is the cross-entropy, net/grad_logits = dL/dlogits)",
        "<case>/grad_input": "dL/d(input) under grad_output; <case>/grad_per_sample_weights likewise",
        "<case>/grad/<name>": "dL/d(parameter) under grad_output, named as in the state_dict",
        "<case>/state_after/<name>": "buffers after the one training-mode forward (BatchNorm running_mean, running_var, num_batches_tracked)",
        "case id": "'<family>/<case>' where <family>.safetensors is the main file; each case's 'tensors' maps every key it uses to its file, dtype and shape"},
    "conventions": "Layouts and shapes are PyTorch's (N, C, L / N, C, H, W, row-major). 'constructor' is the exact call that built the module (nn = torch.nn); 'args' its keyword arguments (lists are Python tuples); 'resolved' what the module stored, defaults filled in; 'torch_repr' is repr(module), which is incomplete for pools (AvgPool omits ceil_mode, count_include_pad and divisor_override; MaxPool omits return_indices), so trust 'resolved'.",
    "random": "Per case: torch.manual_seed(seed); module built with PyTorch's default init; optional 'setup'; inputs; grad_output = torch.randn(output.shape). seed = zlib.crc32(case id) % 100000.",
    "tolerance_advice": "Each computed float tensor in a case's 'tensors' has max_abs = max|ref|, atol = tolerance_rel_to_max * max_abs (1e-5 for float64 references, 1e-4 for the float32 cases) and f32_err = how far PyTorch's own float32 run of the case lands from the reference (the noise floor; every atol is at least 4x it). Pass if max|neurite - ref| <= atol (rtol 0). atol 0 means bit-exact (max-pool outputs, embedding lookups, EmbeddingBag max). Integer tensors (indices, num_batches_tracked) are exact; inputs, parameters and grad_output are given data.",
    "files": files,
    "families": FAMILIES,
    "cases": CASES,
}
open(os.path.join(OUT, "index.json"), "w").write(dumps(index) + "\n")
for f, v in files.items(): print(f, v["bytes"], len(v["cases"]), "cases")
print("index.json", os.path.getsize(os.path.join(OUT, "index.json")), "bytes;", len(CASES), "cases")
