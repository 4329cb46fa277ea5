import numpy as np
import pytest
import torch
from torch import nn

from course_utils import training


def _toy(n=200, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 2)).astype(np.float32)
    y = (X[:, 0] + X[:, 1] > 0).astype(np.int64)
    return X, y


def test_fit_learns_and_checkpoints_best_model(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("COURSE_STATIC_OUTPUT", "1")
    torch.manual_seed(0)
    X, y = _toy()
    train = training.make_loader(X[:150], y[:150], batch_size=16, shuffle=True)
    val = training.make_loader(X[150:], y[150:], batch_size=50)
    model = nn.Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Linear(8, 2))
    opt = torch.optim.SGD(model.parameters(), lr=0.5)
    ckpt = tmp_path / "best.pt"
    history = training.fit(model, train, val, nn.CrossEntropyLoss(), opt, "cpu", num_epochs=5,
                           checkpoint_path=ckpt, plot=False)
    out = capsys.readouterr().out
    assert sum(ln.startswith("epoch ") for ln in out.splitlines()) == 5 and "restored the best model" in out  # plain text, one line per epoch
    assert len(history["val_accuracy"]) == 5 and max(history["val_accuracy"]) > 0.9
    assert ckpt.exists() and history.best_epoch is not None
    assert training.evaluate(model, val, nn.CrossEntropyLoss(), "cpu")["accuracy"] == max(history["val_accuracy"])


def test_fit_early_stopping_and_bad_input(monkeypatch, capsys):
    monkeypatch.setenv("COURSE_STATIC_OUTPUT", "1")
    X, y = _toy(40)
    loader = training.make_loader(X, y, batch_size=8)
    model = nn.Linear(2, 2)
    opt = torch.optim.SGD(model.parameters(), lr=0.0)  # never improves after epoch 1
    history = training.fit(model, loader, loader, nn.CrossEntropyLoss(), opt, "cpu", num_epochs=10, patience=2,
                           plot=False)
    assert len(history["train_loss"]) == 3 and "early stopping" in capsys.readouterr().out
    with pytest.raises(ValueError, match="num_epochs must be a positive int"):
        training.fit(model, loader, loader, nn.CrossEntropyLoss(), opt, "cpu", num_epochs=0)
    quiet = training.fit(model, loader, loader, nn.CrossEntropyLoss(), opt, "cpu", num_epochs=2, plot=False,
                         progress="none")
    assert len(quiet["val_loss"]) == 2 and "epoch" not in capsys.readouterr().out
    with pytest.raises(ValueError, match="progress must be"):
        training.fit(model, loader, loader, nn.CrossEntropyLoss(), opt, "cpu", num_epochs=1, progress="fancy")


def test_train_one_epoch_returns_mean_loss_per_sample():
    X, y = _toy(10)
    model = nn.Linear(2, 2)
    loss_fn = nn.CrossEntropyLoss()
    with torch.no_grad():
        expected = loss_fn(model(torch.tensor(X)), torch.tensor(y)).item()
    opt = torch.optim.SGD(model.parameters(), lr=0.0)
    got = training.train_one_epoch(model, training.make_loader(X, y, batch_size=3), loss_fn, opt, "cpu")
    assert got == pytest.approx(expected, rel=1e-5)


def test_make_loader_validates():
    with pytest.raises(ValueError, match="X has 3 rows but y has 2"):
        training.make_loader(np.zeros((3, 2)), np.zeros(2, dtype=int))
    with pytest.raises(ValueError, match="batch_size"):
        training.make_loader(np.zeros((3, 2)), np.zeros(3, dtype=int), batch_size=0)


def test_timer_measures(capsys):
    with training.Timer("work") as t:
        sum(range(10000))
    assert 0 < t.seconds < 1 and 0 <= t.cpu_seconds < 1 and "s wall" in capsys.readouterr().out


def test_fit_steps_a_plateau_scheduler_with_the_validation_loss(monkeypatch):
    """ReduceLROnPlateau gets ``step(val_loss)``; the learning rate drops after `patience` flat epochs."""
    monkeypatch.setenv("COURSE_STATIC_OUTPUT", "1")
    X, y = _toy(40)
    loader = training.make_loader(X, y, batch_size=8)
    model = nn.Linear(2, 2)
    # The optimizer holds a parameter the model does not use, so the model never changes, the validation
    # loss stays flat and the plateau is certain.
    opt = torch.optim.SGD([nn.Parameter(torch.zeros(1))], lr=0.1)
    seen = []
    scheduler = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, mode="min", factor=0.5, patience=1)
    original_step = scheduler.step
    monkeypatch.setattr(scheduler, "step", lambda *args: (seen.append(args), original_step(*args)))
    history = training.fit(model, loader, loader, nn.CrossEntropyLoss(), opt, "cpu", num_epochs=5,
                           scheduler=scheduler, plot=False, progress="none")
    assert [len(a) for a in seen] == [1] * 5
    assert [a[0] for a in seen] == pytest.approx(history["val_loss"])
    assert history.lrs[0] == 0.1 and history.lrs[-1] < 0.1 and opt.param_groups[0]["lr"] < 0.1


def test_fit_still_steps_other_schedulers_without_arguments(monkeypatch):
    monkeypatch.setenv("COURSE_STATIC_OUTPUT", "1")
    X, y = _toy(40)
    loader = training.make_loader(X, y, batch_size=8)
    model = nn.Linear(2, 2)
    opt = torch.optim.SGD(model.parameters(), lr=1.0)
    scheduler = torch.optim.lr_scheduler.StepLR(opt, step_size=1, gamma=0.5)
    history = training.fit(model, loader, loader, nn.CrossEntropyLoss(), opt, "cpu", num_epochs=3,
                           scheduler=scheduler, plot=False, progress="none")
    assert history.lrs == [1.0, 0.5, 0.25] and opt.param_groups[0]["lr"] == 0.125


def test_fit_monitor_val_loss_checkpoints_the_lowest_loss(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("COURSE_STATIC_OUTPUT", "1")
    torch.manual_seed(0)
    X, y = _toy()
    train = training.make_loader(X[:150], y[:150], batch_size=16, shuffle=True)
    val = training.make_loader(X[150:], y[150:], batch_size=50)
    model = nn.Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Linear(8, 2))
    opt = torch.optim.SGD(model.parameters(), lr=2.0)  # large steps: the validation loss goes up and down
    history = training.fit(model, train, val, nn.CrossEntropyLoss(), opt, "cpu", num_epochs=6,
                           checkpoint_path=tmp_path / "best.pt", plot=False, progress="none", monitor="val_loss")
    best = int(np.argmin(history["val_loss"])) + 1
    assert history.best_epoch == best and "restored the best model" in capsys.readouterr().out
    restored = training.evaluate(model, val, nn.CrossEntropyLoss(), "cpu")["loss"]
    assert restored == pytest.approx(min(history["val_loss"]), rel=1e-6)
    with pytest.raises(ValueError, match="monitor must be"):
        training.fit(model, val, val, nn.CrossEntropyLoss(), opt, "cpu", num_epochs=1, monitor="accuracy")
    with pytest.raises(ValueError, match="scheduler_metric must be"):
        training.fit(model, val, val, nn.CrossEntropyLoss(), opt, "cpu", num_epochs=1, scheduler_metric="loss")
