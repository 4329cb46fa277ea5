"""A fully connected NumPy classifier of any depth, for experiments on training.

The chapter *From digits to MNIST, and debugging training* uses this class to
break training on purpose (deep sigmoid stacks, bad initialization scales, too
large learning rates) and to read the gradient norms that result. It is the
two-layer network of Part 2 written as a loop over layers::

    from course_utils.numpy_mlp import MLP

    net = MLP([784, 128, 10], activation="relu", init="he", seed=0)
    loss, dWs, dbs = net.gradients(X, y)   # mean softmax cross-entropy and its gradients
    net.predict(X)                          # (N,) class indices

The forward pass caches each layer's input ``A_{l-1}`` and pre-activation
``Z_l``; the backward pass starts from softmax cross-entropy's gradient at the
scores, ``(P - Y_onehot) / N``, and applies the chain rule layer by layer::

    dW_l = A_{l-1}^T dZ_l,   db_l = sum_n dZ_l,   dZ_{l-1} = (dZ_l W_l^T) * f'(Z_{l-1})

Writing the two-layer ReLU version yourself is assignment a02; read this file
after it if you want to compare. Only NumPy is imported.
"""

from __future__ import annotations

from typing import Callable, Sequence

import numpy as np
import numpy.typing as npt

__all__ = ["ACTIVATIONS", "INIT_SCHEMES", "MLP", "init_std", "sigmoid"]


def sigmoid(Z: np.ndarray) -> np.ndarray:
    """Logistic sigmoid ``1 / (1 + exp(-Z))``, written with tanh so it never overflows; keeps the dtype."""
    return 0.5 * (1.0 + np.tanh(0.5 * Z))


def _relu(Z: np.ndarray) -> np.ndarray:
    return np.maximum(Z, 0)


def _relu_slope(Z: np.ndarray, A: np.ndarray) -> np.ndarray:
    return (Z > 0).astype(Z.dtype)


def _tanh_slope(Z: np.ndarray, A: np.ndarray) -> np.ndarray:
    return 1 - A * A


def _sigmoid_slope(Z: np.ndarray, A: np.ndarray) -> np.ndarray:
    return A * (1 - A)


Activation = tuple[Callable[[np.ndarray], np.ndarray], Callable[[np.ndarray, np.ndarray], np.ndarray]]

#: name -> (f(Z), f'(Z) written with the pre-activation Z and the cached output A = f(Z)).
ACTIVATIONS: dict[str, Activation] = {
    "relu": (_relu, _relu_slope),
    "tanh": (np.tanh, _tanh_slope),
    "sigmoid": (sigmoid, _sigmoid_slope),
}

#: The named initialization schemes; ``init`` may also be a number (a fixed standard deviation).
INIT_SCHEMES = ("he", "xavier")


def init_std(fan_in: int, fan_out: int, scheme: str | float) -> float:
    """Standard deviation of a layer's Gaussian weights.

    Args:
        fan_in: the layer's number of inputs.
        fan_out: the layer's number of outputs.
        scheme: ``"he"`` (``sqrt(2 / fan_in)``, for ReLU), ``"xavier"``
            (``sqrt(2 / (fan_in + fan_out))``, for tanh and sigmoid), or a positive number
            used as the standard deviation itself.

    Raises:
        ValueError: for an unknown scheme name or a number that is not positive and finite.
    """
    if isinstance(scheme, str):
        if scheme == "he":
            return float(np.sqrt(2.0 / fan_in))
        if scheme == "xavier":
            return float(np.sqrt(2.0 / (fan_in + fan_out)))
        raise ValueError(f"init_std: unknown initialization {scheme!r}; use one of {INIT_SCHEMES} or a number")
    std = float(scheme)
    if not (np.isfinite(std) and std > 0):
        raise ValueError(f"init_std: a numeric initialization must be a positive standard deviation, got {scheme!r}")
    return std


class MLP:
    """Fully connected classifier: sizes ``[D, M_1, ..., C]``, one activation between affine layers.

    Layer ``l`` computes ``Z_l = A_{l-1} @ W_l + b_l`` with ``A_0 = X``; the activation
    follows every layer except the last, whose output ``S = Z_L`` holds the class scores.

    Attributes:
        Ws: weight matrices, ``Ws[l]`` of shape ``(sizes[l], sizes[l + 1])``; update them in place.
        bs: bias vectors, ``bs[l]`` of shape ``(sizes[l + 1],)``, zero at initialization.
        activation: the activation's name, a key of :data:`ACTIVATIONS`.
    """

    def __init__(
        self,
        sizes: Sequence[int],
        activation: str = "relu",
        init: str | float = "he",
        scale: float = 1.0,
        seed: int = 0,
        dtype: npt.DTypeLike = np.float32,
    ) -> None:
        """Draw Gaussian weights with standard deviation ``scale * init_std(fan_in, fan_out, init)``.

        Args:
            sizes: layer widths, inputs first and classes last; at least two entries, all positive.
            activation: ``"relu"``, ``"tanh"`` or ``"sigmoid"``.
            init: ``"he"``, ``"xavier"`` or a fixed standard deviation (see :func:`init_std`).
            scale: multiplies every layer's standard deviation (1.0 = the scheme as written).
            seed: seeds the weights; the same arguments always give the same network.
            dtype: float dtype of the parameters (float32 to train, float64 for gradient checks).

        Raises:
            ValueError: for fewer than two sizes, a size that is not a positive integer, an
                unknown activation or initialization, a scale that is not positive, or a
                non-float dtype.
        """
        sizes = list(sizes)
        if len(sizes) < 2:
            raise ValueError(f"MLP: sizes needs at least two entries [inputs, ..., classes], got {sizes}")
        for n in sizes:
            if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
                raise ValueError(f"MLP: every size must be a positive integer, got {sizes}")
        if activation not in ACTIVATIONS:
            raise ValueError(f"MLP: unknown activation {activation!r}; use one of {sorted(ACTIVATIONS)}")
        if not np.issubdtype(np.dtype(dtype), np.floating):
            raise ValueError(f"MLP: dtype must be a float type, got {np.dtype(dtype)}")
        if not (np.isfinite(scale) and scale > 0):
            raise ValueError(f"MLP: scale must be a positive number, got {scale!r}")
        stds = [scale * init_std(m, n, init) for m, n in zip(sizes[:-1], sizes[1:])]  # validates init
        rng = np.random.default_rng(seed)
        self.sizes = sizes
        self.activation = activation
        self.Ws: list[np.ndarray] = [rng.normal(0.0, std, (m, n)).astype(dtype)
                                     for std, m, n in zip(stds, sizes[:-1], sizes[1:])]
        self.bs: list[np.ndarray] = [np.zeros(n, dtype=dtype) for n in sizes[1:]]

    def __repr__(self) -> str:
        return f"MLP(sizes={self.sizes}, activation={self.activation!r}, dtype={self.Ws[0].dtype})"

    def _check_X(self, X: np.ndarray) -> None:
        if not isinstance(X, np.ndarray) or X.ndim != 2 or X.shape[1] != self.sizes[0]:
            shape = getattr(X, "shape", type(X).__name__)
            raise ValueError(f"MLP: X must be a 2-D array (N, {self.sizes[0]}), got {shape}")

    def forward(self, X: np.ndarray) -> tuple[np.ndarray, list[tuple[np.ndarray, np.ndarray]]]:
        """Class scores and the cache the backward pass needs.

        Args:
            X: inputs, shape ``(N, D)``.

        Returns:
            ``(S, cache)``: scores of shape ``(N, C)`` and, per layer, the pair
            ``(A_{l-1}, Z_l)`` of its input and its pre-activation.
        """
        self._check_X(X)
        f, _ = ACTIVATIONS[self.activation]
        A, cache = X, []
        for l, (W, b) in enumerate(zip(self.Ws, self.bs)):
            Z = A @ W + b  # (N, fan_out)
            cache.append((A, Z))
            A = f(Z) if l < len(self.Ws) - 1 else Z
        return A, cache

    def gradients(self, X: np.ndarray, y: np.ndarray) -> tuple[float, list[np.ndarray], list[np.ndarray]]:
        """Mean softmax cross-entropy on ``(X, y)`` and its gradients.

        Args:
            X: inputs, shape ``(N, D)``.
            y: integer class labels in ``[0, C)``, shape ``(N,)``.

        Returns:
            ``(loss, dWs, dbs)``: the loss and the gradients with respect to every
            ``Ws[l]`` and ``bs[l]``, shaped like them.
        """
        y = np.asarray(y)
        if y.ndim != 1 or not np.issubdtype(y.dtype, np.integer) or len(y) != len(X):
            raise ValueError(f"MLP.gradients: y must be a 1-D integer array with one label per row of X "
                             f"({len(X)}), got shape {y.shape} and dtype {y.dtype}")
        if len(y) and (y.min() < 0 or y.max() >= self.sizes[-1]):
            raise ValueError(f"MLP.gradients: labels must lie in [0, {self.sizes[-1]}), "
                             f"got values from {y.min()} to {y.max()}")
        S, cache = self.forward(X)
        N = len(y)
        shifted = S - S.max(axis=1, keepdims=True)
        log_P = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))  # (N, C)
        loss = -log_P[np.arange(N), y].mean()
        dZ = np.exp(log_P)
        dZ[np.arange(N), y] -= 1
        dZ /= N  # (N, C): (P - Y_onehot) / N
        _, df = ACTIVATIONS[self.activation]
        dWs: list[np.ndarray] = [None] * len(self.Ws)  # type: ignore[list-item]
        dbs: list[np.ndarray] = [None] * len(self.Ws)  # type: ignore[list-item]
        for l in reversed(range(len(self.Ws))):
            A_prev, _ = cache[l]
            dWs[l] = A_prev.T @ dZ  # (fan_in, fan_out)
            dbs[l] = dZ.sum(axis=0)
            if l > 0:
                Z_prev = cache[l - 1][1]
                dZ = (dZ @ self.Ws[l].T) * df(Z_prev, A_prev)  # A_prev = f(Z_prev)
        return loss, dWs, dbs

    def predict(self, X: np.ndarray) -> np.ndarray:
        """Predicted class of every row of ``X``: the index of the largest score, shape ``(N,)``."""
        return self.forward(X)[0].argmax(axis=1)

    def named_params(self) -> dict[str, np.ndarray]:
        """The parameters by name, ``{"W1": Ws[0], "b1": bs[0], "W2": ...}`` (the arrays themselves, not copies)."""
        return {f"{kind}{l + 1}": p for l in range(len(self.Ws)) for kind, p in
                (("W", self.Ws[l]), ("b", self.bs[l]))}
