"""Wrong answers for a03_pytorch: the mistakes learners actually make."""

WRONG_ANSWERS = {
    # --- MLP ---------------------------------------------------------------------------------
    "mlp_softmax_at_the_end": ("MLP", '''
class MLP(nn.Module):
    def __init__(self, in_features, hidden, num_classes):
        super().__init__()
        layers, width = [], in_features
        for h in hidden:
            layers += [nn.Linear(width, h), nn.ReLU()]
            width = h
        layers += [nn.Linear(width, num_classes), nn.Softmax(dim=1)]
        self.net = nn.Sequential(*layers)

    def forward(self, x):
        return self.net(x)
'''),
    "mlp_missing_activation": ("MLP", '''
class MLP(nn.Module):
    def __init__(self, in_features, hidden, num_classes):
        super().__init__()
        layers, width = [], in_features
        for i, h in enumerate(hidden):
            layers.append(nn.Linear(width, h))
            if i == 0:
                layers.append(nn.ReLU())
            width = h
        layers.append(nn.Linear(width, num_classes))
        self.net = nn.Sequential(*layers)

    def forward(self, x):
        return self.net(x)
'''),
    "mlp_relu_after_last_layer": ("MLP", '''
class MLP(nn.Module):
    def __init__(self, in_features, hidden, num_classes):
        super().__init__()
        layers, width = [], in_features
        for h in [*hidden, num_classes]:
            layers += [nn.Linear(width, h), nn.ReLU()]
            width = h
        self.net = nn.Sequential(*layers)

    def forward(self, x):
        return self.net(x)
'''),
    "mlp_first_width_everywhere": ("MLP", '''
class MLP(nn.Module):
    def __init__(self, in_features, hidden, num_classes):
        super().__init__()
        h = hidden[0]
        layers = [nn.Linear(in_features, h), nn.ReLU()]
        for _ in hidden[1:]:
            layers += [nn.Linear(h, h), nn.ReLU()]
        layers.append(nn.Linear(h, num_classes))
        self.net = nn.Sequential(*layers)

    def forward(self, x):
        return self.net(x)
'''),
    "mlp_two_hidden_layers_hard_coded": ("MLP", '''
class MLP(nn.Module):
    def __init__(self, in_features, hidden, num_classes):
        super().__init__()
        self.fc1 = nn.Linear(in_features, hidden[0])
        self.fc2 = nn.Linear(hidden[0], hidden[1])
        self.fc3 = nn.Linear(hidden[1], num_classes)

    def forward(self, x):
        x = torch.relu(self.fc1(x))
        x = torch.relu(self.fc2(x))
        return self.fc3(x)
'''),
    # --- train_one_epoch ---------------------------------------------------------------------
    "train_no_zero_grad": ("train_one_epoch", '''
def train_one_epoch(model, loader, loss_fn, optimizer, device):
    model.train()
    total, count = 0.0, 0
    for X, y in loader:
        X, y = X.to(device), y.to(device)
        loss = loss_fn(model(X), y)
        loss.backward()
        optimizer.step()
        total += loss.item() * len(X)
        count += len(X)
    return total / count
'''),
    "train_zero_grad_after_step": ("train_one_epoch", '''
def train_one_epoch(model, loader, loss_fn, optimizer, device):
    model.train()
    total, count = 0.0, 0
    for X, y in loader:
        X, y = X.to(device), y.to(device)
        loss = loss_fn(model(X), y)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        total += loss.item() * len(X)
        count += len(X)
    return total / count
'''),
    "train_no_model_train": ("train_one_epoch", '''
def train_one_epoch(model, loader, loss_fn, optimizer, device):
    total, count = 0.0, 0
    for X, y in loader:
        X, y = X.to(device), y.to(device)
        optimizer.zero_grad()
        loss = loss_fn(model(X), y)
        loss.backward()
        optimizer.step()
        total += loss.item() * len(X)
        count += len(X)
    return total / count
'''),
    "train_unweighted_batch_mean": ("train_one_epoch", '''
def train_one_epoch(model, loader, loss_fn, optimizer, device):
    model.train()
    losses = []
    for X, y in loader:
        X, y = X.to(device), y.to(device)
        optimizer.zero_grad()
        loss = loss_fn(model(X), y)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return sum(losses) / len(losses)
'''),
    "train_returns_last_batch_loss": ("train_one_epoch", '''
def train_one_epoch(model, loader, loss_fn, optimizer, device):
    model.train()
    for X, y in loader:
        X, y = X.to(device), y.to(device)
        optimizer.zero_grad()
        loss = loss_fn(model(X), y)
        loss.backward()
        optimizer.step()
    return loss.item()
'''),
    "train_returns_tensor_no_device": ("train_one_epoch", '''
def train_one_epoch(model, loader, loss_fn, optimizer, device):
    model.train()
    total, count = 0.0, 0
    for X, y in loader:
        optimizer.zero_grad()
        loss = loss_fn(model(X), y)
        loss.backward()
        optimizer.step()
        total = total + loss * len(X)
        count += len(X)
    return total / count
'''),
    # --- adam_step ---------------------------------------------------------------------------
    "adam_no_bias_correction": ("adam_step", '''
def adam_step(params, grads, state, lr=1e-3, betas=(0.9, 0.999), eps=1e-8):
    beta1, beta2 = betas
    if not state:
        state["t"] = 0
        state["m"] = [torch.zeros_like(p) for p in params]
        state["v"] = [torch.zeros_like(p) for p in params]
    state["t"] += 1
    with torch.no_grad():
        for p, g, m, v in zip(params, grads, state["m"], state["v"]):
            m.mul_(beta1).add_((1 - beta1) * g)
            v.mul_(beta2).add_((1 - beta2) * g ** 2)
            p -= lr * m / (v.sqrt() + eps)
'''),
    "adam_bias_correction_t_from_zero": ("adam_step", '''
def adam_step(params, grads, state, lr=1e-3, betas=(0.9, 0.999), eps=1e-8):
    beta1, beta2 = betas
    if not state:
        state["t"] = 0
        state["m"] = [torch.zeros_like(p) for p in params]
        state["v"] = [torch.zeros_like(p) for p in params]
    t = state["t"]
    with torch.no_grad():
        for p, g, m, v in zip(params, grads, state["m"], state["v"]):
            m.mul_(beta1).add_((1 - beta1) * g)
            v.mul_(beta2).add_((1 - beta2) * g ** 2)
            m_hat = m / (1 - beta1 ** t)
            v_hat = v / (1 - beta2 ** t)
            p -= lr * m_hat / (v_hat.sqrt() + eps)
    state["t"] += 1
'''),
    "adam_eps_inside_sqrt": ("adam_step", '''
def adam_step(params, grads, state, lr=1e-3, betas=(0.9, 0.999), eps=1e-8):
    beta1, beta2 = betas
    if not state:
        state["t"] = 0
        state["m"] = [torch.zeros_like(p) for p in params]
        state["v"] = [torch.zeros_like(p) for p in params]
    state["t"] += 1
    t = state["t"]
    with torch.no_grad():
        for p, g, m, v in zip(params, grads, state["m"], state["v"]):
            m.mul_(beta1).add_((1 - beta1) * g)
            v.mul_(beta2).add_((1 - beta2) * g ** 2)
            m_hat = m / (1 - beta1 ** t)
            v_hat = v / (1 - beta2 ** t)
            p -= lr * m_hat / torch.sqrt(v_hat + eps)
'''),
    "adam_v_not_squared": ("adam_step", '''
def adam_step(params, grads, state, lr=1e-3, betas=(0.9, 0.999), eps=1e-8):
    beta1, beta2 = betas
    if not state:
        state["t"] = 0
        state["m"] = [torch.zeros_like(p) for p in params]
        state["v"] = [torch.zeros_like(p) for p in params]
    state["t"] += 1
    t = state["t"]
    with torch.no_grad():
        for p, g, m, v in zip(params, grads, state["m"], state["v"]):
            m.mul_(beta1).add_((1 - beta1) * g)
            v.mul_(beta2).add_((1 - beta2) * g)
            m_hat = m / (1 - beta1 ** t)
            v_hat = v / (1 - beta2 ** t)
            p -= lr * m_hat / (v_hat.sqrt() + eps)
'''),
    "adam_bias_correction_in_place": ("adam_step", '''
def adam_step(params, grads, state, lr=1e-3, betas=(0.9, 0.999), eps=1e-8):
    beta1, beta2 = betas
    if not state:
        state["t"] = 0
        state["m"] = [torch.zeros_like(p) for p in params]
        state["v"] = [torch.zeros_like(p) for p in params]
    state["t"] += 1
    t = state["t"]
    with torch.no_grad():
        for p, g, m, v in zip(params, grads, state["m"], state["v"]):
            m.mul_(beta1).add_((1 - beta1) * g)
            v.mul_(beta2).add_((1 - beta2) * g ** 2)
            m /= 1 - beta1 ** t
            v /= 1 - beta2 ** t
            p -= lr * m / (v.sqrt() + eps)
'''),
    "adam_default_betas_hard_coded": ("adam_step", '''
def adam_step(params, grads, state, lr=1e-3, betas=(0.9, 0.999), eps=1e-8):
    if not state:
        state["t"] = 0
        state["m"] = [torch.zeros_like(p) for p in params]
        state["v"] = [torch.zeros_like(p) for p in params]
    state["t"] += 1
    t = state["t"]
    with torch.no_grad():
        for p, g, m, v in zip(params, grads, state["m"], state["v"]):
            m.mul_(0.9).add_(0.1 * g)
            v.mul_(0.999).add_(0.001 * g ** 2)
            p -= lr * (m / (1 - 0.9 ** t)) / ((v / (1 - 0.999 ** t)).sqrt() + eps)
'''),
}

WRONG_ANSWERS.update({
    # --- evaluate ----------------------------------------------------------------------------
    "evaluate_no_eval_mode": ("evaluate", '''
def evaluate(model, loader, loss_fn, device):
    total_loss, correct, count = 0.0, 0, 0
    with torch.no_grad():
        for X, y in loader:
            X, y = X.to(device), y.to(device)
            logits = model(X)
            total_loss += loss_fn(logits, y).item() * len(X)
            correct += (logits.argmax(dim=1) == y).sum().item()
            count += len(X)
    return total_loss / count, correct / count
'''),
    "evaluate_leaves_eval_mode": ("evaluate", '''
def evaluate(model, loader, loss_fn, device):
    model.eval()
    total_loss, correct, count = 0.0, 0, 0
    with torch.no_grad():
        for X, y in loader:
            X, y = X.to(device), y.to(device)
            logits = model(X)
            total_loss += loss_fn(logits, y).item() * len(X)
            correct += (logits.argmax(dim=1) == y).sum().item()
            count += len(X)
    return total_loss / count, correct / count
'''),
    "evaluate_always_back_to_train": ("evaluate", '''
def evaluate(model, loader, loss_fn, device):
    model.eval()
    total_loss, correct, count = 0.0, 0, 0
    with torch.no_grad():
        for X, y in loader:
            X, y = X.to(device), y.to(device)
            logits = model(X)
            total_loss += loss_fn(logits, y).item() * len(X)
            correct += (logits.argmax(dim=1) == y).sum().item()
            count += len(X)
    model.train()
    return total_loss / count, correct / count
'''),
    "evaluate_with_gradients": ("evaluate", '''
def evaluate(model, loader, loss_fn, device):
    was_training = model.training
    model.eval()
    total_loss, correct, count = 0.0, 0, 0
    for X, y in loader:
        X, y = X.to(device), y.to(device)
        logits = model(X)
        total_loss += loss_fn(logits, y).item() * len(X)
        correct += (logits.argmax(dim=1) == y).sum().item()
        count += len(X)
    model.train(was_training)
    return total_loss / count, correct / count
'''),
    "evaluate_mean_of_batch_means": ("evaluate", '''
def evaluate(model, loader, loss_fn, device):
    was_training = model.training
    model.eval()
    losses, accs = [], []
    with torch.no_grad():
        for X, y in loader:
            X, y = X.to(device), y.to(device)
            logits = model(X)
            losses.append(loss_fn(logits, y).item())
            accs.append((logits.argmax(dim=1) == y).float().mean().item())
    model.train(was_training)
    return sum(losses) / len(losses), sum(accs) / len(accs)
'''),
    "evaluate_returns_tensors": ("evaluate", '''
def evaluate(model, loader, loss_fn, device):
    was_training = model.training
    model.eval()
    total_loss, correct, count = 0.0, 0, 0
    with torch.no_grad():
        for X, y in loader:
            X, y = X.to(device), y.to(device)
            logits = model(X)
            total_loss = total_loss + loss_fn(logits, y) * len(X)
            correct = correct + (logits.argmax(dim=1) == y).sum()
            count += len(X)
    model.train(was_training)
    return total_loss / count, correct / count
'''),
    # --- checkpoints -------------------------------------------------------------------------
    "checkpoint_model_only": ("checkpoints", '''
def save_checkpoint(path, model, optimizer, epoch):
    torch.save({"model": model.state_dict(), "epoch": epoch}, path)


def load_checkpoint(path, model, optimizer):
    checkpoint = torch.load(path, map_location="cpu")
    model.load_state_dict(checkpoint["model"])
    return checkpoint["epoch"]
'''),
    "checkpoint_forgets_epoch": ("checkpoints", '''
def save_checkpoint(path, model, optimizer, epoch):
    torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict()}, path)


def load_checkpoint(path, model, optimizer):
    checkpoint = torch.load(path, map_location="cpu")
    model.load_state_dict(checkpoint["model"])
    optimizer.load_state_dict(checkpoint["optimizer"])
    return 0
'''),
    "checkpoint_loads_optimizer_into_model_only": ("checkpoints", '''
def save_checkpoint(path, model, optimizer, epoch):
    torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(), "epoch": epoch}, path)


def load_checkpoint(path, model, optimizer):
    checkpoint = torch.load(path, map_location="cpu")
    model.load_state_dict(checkpoint["model"])
    optimizer = torch.optim.Adam(model.parameters())
    optimizer.load_state_dict(checkpoint["optimizer"])
    return checkpoint["epoch"]
'''),
})

# Correct answers written another way: each must keep full marks.
ALTERNATIVE_ANSWERS = {
    "mlp_module_list_and_functional_relu": ("MLP", '''
class MLP(nn.Module):
    def __init__(self, in_features, hidden, num_classes):
        super().__init__()
        sizes = [in_features, *hidden, num_classes]
        self.layers = nn.ModuleList(nn.Linear(a, b) for a, b in zip(sizes[:-1], sizes[1:]))

    def forward(self, x):
        for layer in self.layers[:-1]:
            x = torch.relu(layer(x))
        return self.layers[-1](x)
'''),
    "train_tensor_accumulator_and_set_to_none": ("train_one_epoch", '''
def train_one_epoch(model, loader, loss_fn, optimizer, device):
    model.train()
    total = torch.zeros((), dtype=torch.float64)
    seen = 0
    for inputs, targets in loader:
        inputs, targets = inputs.to(device), targets.to(device)
        optimizer.zero_grad(set_to_none=True)
        batch_loss = loss_fn(model(inputs), targets)
        batch_loss.backward()
        optimizer.step()
        total += batch_loss.detach().double().cpu() * inputs.shape[0]
        seen += inputs.shape[0]
    return float(total / seen)
'''),
    "adam_out_of_place_formulas": ("adam_step", '''
def adam_step(params, grads, state, lr=1e-3, betas=(0.9, 0.999), eps=1e-8):
    b1, b2 = betas
    if "t" not in state:
        state.update(t=0, m=[torch.zeros_like(p) for p in params], v=[torch.zeros_like(p) for p in params])
    state["t"] = t = state["t"] + 1
    for i, (p, g) in enumerate(zip(params, grads)):
        state["m"][i].copy_(b1 * state["m"][i] + (1 - b1) * g)
        state["v"][i].copy_(b2 * state["v"][i] + (1 - b2) * g * g)
        step = lr * (state["m"][i] / (1 - b1 ** t)) / ((state["v"][i] / (1 - b2 ** t)).sqrt() + eps)
        with torch.no_grad():
            p.sub_(step)
'''),
    "evaluate_inference_mode_try_finally": ("evaluate", '''
def evaluate(model, loader, loss_fn, device):
    previous = model.training
    model.eval()
    try:
        losses, hits, sizes = [], [], []
        with torch.inference_mode():
            for X, y in loader:
                X, y = X.to(device), y.to(device)
                out = model(X)
                losses.append(float(loss_fn(out, y)) * len(y))
                hits.append(int((out.argmax(-1) == y).sum()))
                sizes.append(len(y))
    finally:
        model.train(previous)
    n = sum(sizes)
    return sum(losses) / n, sum(hits) / n
'''),
    "checkpoint_tuple_and_pathlib": ("checkpoints", '''
def save_checkpoint(path, model, optimizer, epoch):
    from pathlib import Path

    with Path(path).open("wb") as fh:
        torch.save((epoch, model.state_dict(), optimizer.state_dict()), fh)


def load_checkpoint(path, model, optimizer):
    epoch, model_state, optimizer_state = torch.load(path, weights_only=True)
    model.load_state_dict(model_state)
    optimizer.load_state_dict(optimizer_state)
    return int(epoch)
'''),
}
