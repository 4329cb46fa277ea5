"""Trusted grading spec for a03_pytorch: one probe per autograded test cell (see grader/README.md).

Models the learner builds get deterministic weights from the probe (their own initialisation is
random), then outputs, gradients and parameters are compared with the solution's.
"""

import copy

import torch
from torch import nn

from grader.spec import close, exact, probe

CPU = torch.device("cpu")


def _set_weights(model, seed):
    """Overwrite every parameter, in registration order, with seeded values; return their shapes."""
    gen = torch.Generator().manual_seed(seed)
    shapes = []
    with torch.no_grad():
        for p in model.parameters():
            shapes.append(list(p.shape))
            p.copy_(0.5 * torch.randn(p.shape, generator=gen, dtype=p.dtype))
    return shapes


SIZES = [(64, (128, 64), 10), (3, (7,), 2), (10, (16, 16, 16), 4), (4, (), 3), (20, (5, 30), 1)]


@probe("test_MLP_shape")
def mlp_shape(ns):
    MLP = ns["MLP"]
    out = {}
    for k, (d, hidden, c) in enumerate(SIZES):
        torch.manual_seed(k)
        model = MLP(d, hidden, c)
        name = f"MLP({d}, {hidden}, {c})"
        out[f"{name} is an nn.Module"] = exact(isinstance(model, nn.Module))
        out[f"{name} parameter count"] = exact(sum(p.numel() for p in model.parameters()))
        out[f"{name} output shape, batch of 6"] = exact(list(model(torch.randn(6, d)).shape))
        out[f"{name} output shape, batch of one"] = exact(list(model(torch.randn(1, d)).shape))
    return out


@probe("test_MLP_reference")
def mlp_reference(ns):
    MLP = ns["MLP"]
    out = {}
    for k, (d, hidden, c) in enumerate(SIZES):
        name = f"MLP({d}, {hidden}, {c})"
        model = MLP(d, hidden, c)
        out[f"{name} parameter shapes (Linear, ReLU, ..., Linear)"] = exact(str(_set_weights(model, 100 + k)))
        x = 3 * torch.randn(8 if k < 4 else 1, d, generator=torch.Generator().manual_seed(k))
        with torch.no_grad():
            out[f"{name} output"] = close(model(x), rtol=1e-5, atol=1e-6)
    return out


@probe("test_MLP_logits")
def mlp_logits(ns):
    model = ns["MLP"](16, (32,), 5)
    _set_weights(model, 2)
    with torch.no_grad():
        return {"MLP(16, (32,), 5) output (logits: no ReLU, softmax or squashing at the end)":
                close(model(5 * torch.randn(20, 16, generator=torch.Generator().manual_seed(2))), rtol=1e-5,
                      atol=1e-5)}


@probe("test_MLP_gradients_device")
def mlp_gradients_device(ns):
    MLP = ns["MLP"]
    gen = torch.Generator().manual_seed(3)
    model = MLP(64, (128, 64), 10)
    _set_weights(model, 3)
    x, y = torch.randn(16, 64, generator=gen), torch.randint(0, 10, (16,), generator=gen)
    nn.functional.cross_entropy(model(x), y).backward()
    out = {f"gradient of parameter {i}": close(p.grad if p.grad is not None else torch.full(p.shape, float("nan")),
                                               rtol=1e-4, atol=1e-6)
           for i, p in enumerate(model.parameters())}
    model = MLP(8, (12, 6), 3).to(CPU)
    res = model(torch.randn(4, 8, device=CPU))
    out["MLP(8, (12, 6), 3) on the device: output device and shape"] = exact(f"{res.device.type} {list(res.shape)}")
    model = MLP(8, (12, 6), 3).double()
    res = model(torch.randn(1, 8, dtype=torch.float64))
    out["MLP converted with .double(): output dtype and shape for a batch of one"] = exact(f"{res.dtype} {list(res.shape)}")
    model = MLP(5, (4,), 2)
    nn.functional.cross_entropy(model(torch.randn(1, 5)), torch.tensor([1])).backward()
    out["MLP(5, (4,), 2): every parameter gets a gradient"] = exact(all(p.grad is not None for p in model.parameters()))
    return out


def _loader(seed, n=12, d=5, c=3, batch=4):
    gen = torch.Generator().manual_seed(seed)
    X, y = torch.randn(n, d, generator=gen), torch.randint(0, c, (n,), generator=gen)
    return [(X[i:i + batch], y[i:i + batch]) for i in range(0, n, batch)]


def _params(model):
    return {f"parameter {i} after the epoch": close(p.detach(), rtol=1e-5, atol=1e-6)
            for i, p in enumerate(model.parameters())}


@probe("test_train_one_epoch_basic")
def train_one_epoch_basic(ns):
    torch.manual_seed(4)
    model = nn.Sequential(nn.Linear(5, 8), nn.Tanh(), nn.Linear(8, 3))
    result = ns["train_one_epoch"](model, _loader(4), nn.CrossEntropyLoss(), torch.optim.SGD(model.parameters(), lr=0.5),
                                   CPU)
    return {"train_one_epoch returns a Python float": exact(isinstance(result, float)),
            "train_one_epoch's mean loss over three batches of 4": close(result, rtol=1e-5)}


@probe("test_train_one_epoch_params")
def train_one_epoch_params(ns):
    train = ns["train_one_epoch"]
    torch.manual_seed(5)
    loader = _loader(5)
    model = nn.Sequential(nn.Linear(5, 8), nn.Tanh(), nn.Linear(8, 3))
    stale = copy.deepcopy(model)
    train(model, loader, nn.CrossEntropyLoss(), torch.optim.SGD(model.parameters(), lr=0.5), CPU)
    out = {"one epoch of three batches": _params(model)}
    (100 * stale(torch.randn(7, 5)).pow(2).sum()).backward()  # stale gradients left in .grad
    train(stale, loader, nn.CrossEntropyLoss(), torch.optim.SGD(stale.parameters(), lr=0.5), CPU)
    out["an epoch that starts with stale gradients in .grad"] = _params(stale)
    lin = nn.Linear(5, 3)
    train(lin, loader, nn.CrossEntropyLoss(), torch.optim.Adam(lin.parameters(), lr=0.1), CPU)
    out["one epoch with Adam"] = _params(lin)
    return out


@probe("test_train_one_epoch_weighted")
def train_one_epoch_weighted(ns):
    train = ns["train_one_epoch"]
    torch.manual_seed(6)
    X, y = torch.randn(12, 4), torch.randint(0, 3, (12,))
    X[10:] *= 20
    loader = [(X[0:5], y[0:5]), (X[5:10], y[5:10]), (X[10:12], y[10:12])]
    model = nn.Linear(4, 3)
    out = {"train_one_epoch with lr=0 and batches of 5, 5, 2": close(
        train(model, loader, nn.CrossEntropyLoss(), torch.optim.SGD(model.parameters(), lr=0.0), CPU), rtol=1e-5)}
    from torch.utils.data import DataLoader, TensorDataset

    data = DataLoader(TensorDataset(torch.randn(9, 4), torch.randn(9, 2)), batch_size=4)
    model = nn.Linear(4, 2)
    result = train(model, data, nn.MSELoss(), torch.optim.SGD(model.parameters(), lr=0.1), CPU)
    out["train_one_epoch returns a Python float with a DataLoader"] = exact(isinstance(result, float))
    out["train_one_epoch with a DataLoader of batches 4, 4, 1 and MSELoss"] = close(result, rtol=1e-5)
    return out


@probe("test_train_one_epoch_train_mode")
def train_one_epoch_train_mode(ns):
    modes = []

    class ModeRecorder(nn.Module):
        def forward(self, x):
            modes.append(bool(self.training))
            return x

    torch.manual_seed(7)
    model = nn.Sequential(nn.Linear(4, 3), ModeRecorder())
    model.eval()
    loader = [(torch.randn(3, 4), torch.randint(0, 3, (3,))) for _ in range(2)]
    ns["train_one_epoch"](model, loader, nn.CrossEntropyLoss(), torch.optim.SGD(model.parameters(), lr=0.1), CPU)
    return {"training mode at every forward pass (one per batch)": exact(str(modes))}


@probe("test_train_one_epoch_device")
def train_one_epoch_device(ns):
    class Tracked(torch.Tensor):
        def to(self, *args, **kwargs):
            target = kwargs.get("device", args[0] if args else None)
            try:
                if torch.device(target) == CPU:
                    self.moved = True
            except (TypeError, RuntimeError, ValueError):
                pass
            return torch.Tensor.to(self.as_subclass(torch.Tensor), *args, **kwargs)

    def tracked(t):
        t = t.clone().as_subclass(Tracked)
        t.moved = False
        return t

    torch.manual_seed(8)
    loader = [(tracked(torch.randn(3, 4)), tracked(torch.randint(0, 3, (3,)))) for _ in range(3)]
    model = nn.Linear(4, 3)
    ns["train_one_epoch"](model, loader, nn.CrossEntropyLoss(), torch.optim.SGD(model.parameters(), lr=0.1), CPU)
    return {"every X moved with .to(device)": exact(str([bool(X.moved) for X, _ in loader])),
            "every y moved with .to(device)": exact(str([bool(y.moved) for _, y in loader]))}


def _adam_run(adam_step, shapes, num_steps, dtype, rtol, atol, seed, grad_scale=1.0, **hyper):
    gen = torch.Generator().manual_seed(seed)
    params = [torch.randn(s, generator=gen, dtype=dtype).requires_grad_(True) for s in shapes]
    grad_steps = [[grad_scale * torch.randn(s, generator=gen, dtype=dtype) for s in shapes] for _ in range(num_steps)]
    state, out = {}, {}
    for step, grads in enumerate(grad_steps, start=1):
        adam_step(params, grads, state, **hyper)
        for i, p in enumerate(params):
            out[f"{dtype} parameter {i} (shape {tuple(p.shape)}) after step {step} with {hyper or 'default settings'}"] = \
                close(p.detach().clone(), rtol=rtol, atol=atol)
    return out


@probe("test_adam_step_first_step")
def adam_step_first_step(ns):
    w = torch.tensor([1.0, -2.0, 0.5], requires_grad=True)
    B = torch.zeros(2, 2, requires_grad=True)
    g_w, g_B = torch.tensor([0.5, -1.0, 2.0]), torch.tensor([[1.0, 0.0], [-3.0, 0.25]])
    state = {}
    ns["adam_step"]([w, B], [g_w, g_B], state, lr=0.1)
    return {'state["t"] after the first call': exact(state.get("t")),
            'state["m"] and state["v"] lengths': exact([len(state["m"]), len(state["v"])]),
            'state["m"][1] after one step': state["m"][1], 'state["v"][1] after one step': state["v"][1],
            "w after the first Adam step": close(w.detach(), rtol=1e-6),
            "B after the first Adam step": close(B.detach(), rtol=1e-6)}


@probe("test_adam_step_matches_torch")
def adam_step_matches_torch(ns):
    return _adam_run(ns["adam_step"], [(3,), (2, 4)], 5, torch.float32, 1e-5, 1e-6, seed=9)


@probe("test_adam_step_hyperparams")
def adam_step_hyperparams(ns):
    adam, shapes, f64 = ns["adam_step"], [(), (3,), (2, 3), (4, 1, 2)], torch.float64
    out = {}
    out.update(_adam_run(adam, shapes, 12, f64, 1e-10, 1e-12, seed=10, lr=0.05, betas=(0.8, 0.95), eps=1e-6))
    out.update(_adam_run(adam, shapes, 12, f64, 1e-10, 1e-12, seed=11, lr=0.3, betas=(0.5, 0.9), eps=1e-3))
    out.update(_adam_run(adam, shapes, 15, f64, 1e-10, 1e-12, seed=12, grad_scale=1e-4, lr=0.01, betas=(0.9, 0.999),
                         eps=1e-8))
    out.update(_adam_run(adam, [(5, 5)], 10, torch.float32, 1e-5, 1e-6, seed=13, lr=0.002, betas=(0.95, 0.99), eps=1e-7))
    return out


@probe("test_adam_step_state")
def adam_step_state(ns):
    adam = ns["adam_step"]
    gen = torch.Generator().manual_seed(14)
    a = torch.randn(4, generator=gen, dtype=torch.float64, requires_grad=True)
    b = torch.randn(2, 3, generator=gen, dtype=torch.float64, requires_grad=True)
    a_id, b_id = id(a), id(b)
    state_a, state_b, out = {}, {}, {}
    for step in range(1, 5):
        g_a = torch.randn(4, generator=gen, dtype=torch.float64)
        g_b = torch.randn(2, 3, generator=gen, dtype=torch.float64)
        g_a[0] = 0.0
        adam([a], [g_a], state_a, lr=0.1)
        adam([b], [g_b], state_b, lr=0.02, betas=(0.7, 0.9))
        out[f"the gradients passed to adam_step, after step {step} (must be unchanged)"] = close(
            torch.cat([g_a, g_b.flatten()]), rtol=0, atol=0)
        out[f'state["t"] after {step} calls'] = exact(state_a.get("t"))
        out[f"parameter a (updated in place) after step {step}"] = close(a.detach().clone(), rtol=1e-10, atol=1e-12)
        out[f"parameter b, with its own state and betas, after step {step}"] = close(b.detach().clone(), rtol=1e-10,
                                                                                    atol=1e-12)
    out["parameters keep requires_grad and identity (in place)"] = exact(
        [a.requires_grad, b.requires_grad, id(a) == a_id, id(b) == b_id])
    out['dtype of the tensors in state["m"]'] = exact(str(state_a["m"][0].dtype))
    return out


# --- evaluate -----------------------------------------------------------------------------------

class _ModeRecorder(nn.Module):
    """Identity layer that records (training mode, grad enabled) at every call."""

    def __init__(self):
        super().__init__()
        self.calls = []

    def forward(self, x):
        self.calls.append([bool(self.training), bool(torch.is_grad_enabled())])
        return x


@probe("test_evaluate_values")
def evaluate_values(ns):
    evaluate = ns["evaluate"]
    out = {}
    torch.manual_seed(9)
    X, y = torch.randn(12, 4), torch.randint(0, 3, (12,))
    X[10:] *= 20
    model = nn.Linear(4, 3)
    result = evaluate(model, [(X[0:5], y[0:5]), (X[5:10], y[5:10]), (X[10:12], y[10:12])], nn.CrossEntropyLoss(), CPU)
    out["evaluate returns a tuple of two Python floats"] = exact(
        isinstance(result, tuple) and len(result) == 2 and all(isinstance(v, float) for v in result))
    out["(mean loss, accuracy) over batches of 5, 5, 2"] = close([float(v) for v in result], rtol=1e-5)
    from torch.utils.data import DataLoader, TensorDataset

    torch.manual_seed(10)
    X, y = torch.randn(23, 6), torch.randint(0, 4, (23,))
    model = nn.Sequential(nn.Linear(6, 5), nn.ReLU(), nn.Linear(5, 4))
    result = evaluate(model, DataLoader(TensorDataset(X, y), batch_size=10), nn.CrossEntropyLoss(), CPU)
    out["(mean loss, accuracy) with a DataLoader of batches 10, 10, 3"] = close([float(v) for v in result], rtol=1e-5)
    result = evaluate(model, [(X[:1], y[:1])], nn.CrossEntropyLoss(), CPU)
    out["(mean loss, accuracy) on a single sample"] = close([float(v) for v in result], rtol=1e-5)
    return out


@probe("test_evaluate_modes")
def evaluate_modes(ns):
    evaluate = ns["evaluate"]
    out = {}
    torch.manual_seed(11)
    recorder = _ModeRecorder()
    model = nn.Sequential(nn.Linear(4, 3), recorder).train()
    before = [p.detach().clone() for p in model.parameters()]
    loader = [(torch.randn(3, 4), torch.randint(0, 3, (3,))) for _ in range(2)]
    evaluate(model, loader, nn.CrossEntropyLoss(), CPU)
    out["(training mode, grad enabled) at each forward pass, model arriving in training mode"] = exact(recorder.calls)
    out["model.training after evaluate, arriving in training mode"] = exact(bool(model.training))
    out["parameters after evaluate (must be unchanged)"] = close(torch.cat([p.detach().flatten() for p in model.parameters()]),
                                                               rtol=0, atol=0)
    out["parameters before evaluate"] = close(torch.cat([p.flatten() for p in before]), rtol=0, atol=0)
    recorder.calls.clear()
    model.eval()
    evaluate(model, loader, nn.CrossEntropyLoss(), CPU)
    out["(training mode, grad enabled) at each forward pass, model arriving in eval mode"] = exact(recorder.calls)
    out["model.training after evaluate, arriving in eval mode"] = exact(bool(model.training))
    torch.manual_seed(12)
    drop = nn.Sequential(nn.Linear(4, 50), nn.Dropout(0.5), nn.Linear(50, 3)).train()
    first = evaluate(drop, loader, nn.CrossEntropyLoss(), CPU)
    second = evaluate(drop, loader, nn.CrossEntropyLoss(), CPU)
    out["evaluate twice on a model with dropout (same result)"] = close([float(v) for v in first] + [float(v) for v in second],
                                                                      rtol=1e-6)
    out["dropout model's mode after evaluate"] = exact(bool(drop.training))
    return out


# --- checkpoints --------------------------------------------------------------------------------

@probe("test_checkpoint_roundtrip")
def checkpoint_roundtrip(ns):
    import tempfile
    from pathlib import Path

    folder = Path(tempfile.mkdtemp())
    torch.manual_seed(12)
    model = nn.Sequential(nn.Linear(5, 8), nn.ReLU(), nn.Linear(8, 3))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    ns["save_checkpoint"](folder / "ckpt.pt", model, optimizer, 7)
    fresh = nn.Sequential(nn.Linear(5, 8), nn.ReLU(), nn.Linear(8, 3))
    epoch = ns["load_checkpoint"](folder / "ckpt.pt", fresh, torch.optim.SGD(fresh.parameters(), lr=0.1, momentum=0.9))
    return {"save_checkpoint writes one file at the path": exact((folder / "ckpt.pt").is_file()),
            "load_checkpoint returns the saved epoch as an int": exact(
                [isinstance(epoch, int) and not isinstance(epoch, bool), epoch if isinstance(epoch, int) else -1]),
            "parameters after load_checkpoint": close(torch.cat([p.detach().flatten() for p in fresh.parameters()]),
                                                      rtol=0, atol=0)}


@probe("test_checkpoint_resume")
def checkpoint_resume(ns):
    import tempfile
    from pathlib import Path

    save, load = ns["save_checkpoint"], ns["load_checkpoint"]

    def run(make_optimizer, resume_after, total=4, seed=13):
        torch.manual_seed(seed)
        X, y = torch.randn(24, 5), torch.randint(0, 3, (24,))
        batches = [(X[i:i + 8], y[i:i + 8]) for i in range(0, 24, 8)]
        model = nn.Sequential(nn.Linear(5, 8), nn.Tanh(), nn.Linear(8, 3))
        optimizer = make_optimizer(model.parameters())
        path = Path(tempfile.mkdtemp()) / "resume.pt"
        epoch, passes = 0, 0
        while epoch < total and passes < 2 * total:  # a load_checkpoint that loses the epoch must not loop forever
            passes += 1
            for Xb, yb in batches:
                optimizer.zero_grad()
                nn.functional.cross_entropy(model(Xb), yb).backward()
                optimizer.step()
            epoch += 1
            if epoch == resume_after:
                save(path, model, optimizer, epoch)
                model = nn.Sequential(nn.Linear(5, 8), nn.Tanh(), nn.Linear(8, 3))
                optimizer = make_optimizer(model.parameters())
                epoch = load(path, model, optimizer)
        return torch.cat([p.detach().flatten() for p in model.parameters()])

    out = {}
    for name, make in [("Adam", lambda ps: torch.optim.Adam(ps, lr=0.05)),
                       ("SGD with momentum", lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=0.9))]:
        out[f"{name}: parameters after 4 epochs resumed from a checkpoint after 2 (bit-exact)"] = close(
            run(make, resume_after=2), rtol=0, atol=0)
    return out
