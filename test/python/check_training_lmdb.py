"""Reads a DiffusionRig training set the way upstream's utils/image_datasets.py does, without torch.

Usage: check_training_lmdb.py DIR SIZE
       check_training_lmdb.py --copy SRC DST   (rewrites SRC's records with liblmdb, as the lab's own scripts would)
Opens DIR with the same lmdb.open arguments, reads `length`, then every record's four keys,
decodes the image with PIL and unpickles the three buffers with pickle. Tensors are pickled
torch tensors; torch itself is not needed: the unpickler below resolves exactly the globals
that `pickle.dump(tensor)` references and nothing else, and reads the storage bytes of torch's
legacy `torch.save` format the way torch.serialization._legacy_load does (magic number,
protocol 1001, system info, the object with ('storage', type, key, location, numel, view)
persistent ids, the key list, then each storage's int64 count and bytes). Any other global,
layout or size fails. Where torch is installed, torch's own `pickle.load` (what
image_datasets.py calls) must give the same float32 tensors. Prints one JSON line: length, size,
v2, torch's version (null without it), and per record the sums of the image (0..255) and of each
tensor, for the caller to compare with what it wrote.
"""
import collections
import io
import json
import pickle
import struct
import sys

import lmdb
import numpy as np
from PIL import Image

MAGIC_NUMBER = 0x1950A86A20F9469CFC6C
PROTOCOL_VERSION = 1001


class FloatStorage:
    """Stands in for torch.FloatStorage (the type named in a storage's persistent id)."""


class LegacyStorage:
    def __init__(self, numel):
        self.numel = numel
        self.values = None


def load_from_bytes(data):
    f = io.BytesIO(data)
    if pickle.load(f) != MAGIC_NUMBER:
        raise ValueError("legacy torch data: bad magic number")
    if pickle.load(f) != PROTOCOL_VERSION:
        raise ValueError("legacy torch data: bad protocol version")
    info = pickle.load(f)
    if info.get("little_endian") is not True or info.get("protocol_version") != PROTOCOL_VERSION:
        raise ValueError(f"legacy torch data: bad system info {info!r}")
    storages = {}

    class Inner(TensorUnpickler):
        def persistent_load(self, pid):
            if not (isinstance(pid, tuple) and len(pid) == 6 and pid[0] == "storage"):
                raise ValueError(f"legacy torch data: persistent id {pid!r} is not ('storage', type, key, location, numel, view)")
            _, storage_type, key, location, numel, view = pid
            if storage_type is not FloatStorage or location != "cpu" or view is not None:
                raise ValueError(f"legacy torch data: unexpected storage {pid!r}")
            storages.setdefault(key, LegacyStorage(numel))
            return storages[key]

    result = Inner(f).load()
    keys = pickle.load(f)
    for key in keys:
        storage = storages[key]
        (numel,) = struct.unpack("<q", f.read(8))
        if numel != storage.numel:
            raise ValueError(f"legacy torch data: storage {key} has {numel} elements, expected {storage.numel}")
        storage.values = np.frombuffer(f.read(4 * numel), dtype="<f4")
        if storage.values.size != numel:
            raise ValueError(f"legacy torch data: storage {key} is truncated")
    if f.read(1):
        raise ValueError("legacy torch data: bytes after the last storage")
    return result


def rebuild_tensor_v2(storage, offset, size, stride, requires_grad, backward_hooks):
    if not isinstance(storage, LegacyStorage) or storage.values is None:
        raise ValueError("tensor without storage bytes")
    if requires_grad is not False or not isinstance(backward_hooks, collections.OrderedDict):
        raise ValueError("unexpected tensor arguments")
    values = storage.values[offset:]
    return np.lib.stride_tricks.as_strided(values, shape=tuple(size), strides=tuple(4 * s for s in stride)).copy()


ALLOWED = {
    ("torch._utils", "_rebuild_tensor_v2"): rebuild_tensor_v2,
    ("torch.storage", "_load_from_bytes"): load_from_bytes,
    ("torch", "FloatStorage"): FloatStorage,
    ("collections", "OrderedDict"): collections.OrderedDict,
}


class TensorUnpickler(pickle.Unpickler):
    def find_class(self, module, name):
        if (module, name) not in ALLOWED:
            raise pickle.UnpicklingError(f"global {module}.{name} is not what pickle.dump(tensor) writes")
        return ALLOWED[(module, name)]


torch = None  # imported by the check itself (not by --copy): torch's own pickle.load must agree


def tensor(data, what, shape):
    value = TensorUnpickler(io.BytesIO(data)).load()
    if not isinstance(value, np.ndarray) or value.shape != shape or not np.all(np.isfinite(value)):
        raise ValueError(f"{what}: expected a finite tensor {shape}, got {getattr(value, 'shape', type(value))}")
    if torch is not None:
        # exactly image_datasets.py's decoding: pickle.load with torch importable
        loaded = pickle.load(io.BytesIO(data))
        if not isinstance(loaded, torch.Tensor) or loaded.dtype != torch.float32 or tuple(loaded.shape) != shape or not np.array_equal(loaded.numpy(), value):
            raise ValueError(f"{what}: torch's pickle.load gives {type(loaded)} {getattr(loaded, 'shape', '')}, not the tensor")
    return value


def copy(source, target):
    with lmdb.open(source, readonly=True, lock=False) as env, lmdb.open(target, map_size=1024**3, readahead=False) as out:
        with env.begin() as txn, out.begin(write=True) as write:
            for key, value in txn.cursor():
                write.put(key, value)


def main():
    if sys.argv[1] == "--copy":
        copy(sys.argv[2], sys.argv[3])
        return
    global torch
    try:
        import torch as found
        torch = found
    except ImportError:
        torch = None
    path, size = sys.argv[1], int(sys.argv[2])
    # image_datasets.ImageDataset's arguments
    env = lmdb.open(path, max_readers=32, readonly=True, lock=False, readahead=False, meminit=False)
    with env.begin(write=False) as txn:
        length = int(txn.get("length".encode("utf-8")).decode("utf-8"))
        v2 = txn.get(b"shape_000000") is not None
        records = []
        for index in range(length):
            key = lambda name: f"{name}_{str(index).zfill(6)}".encode("utf-8")
            image = Image.open(io.BytesIO(txn.get(key("image"))))
            if image.format != "PNG" or image.mode != "RGB" or image.size != (size, size):
                raise ValueError(f"image {index}: {image.format} {image.mode} {image.size}")
            record = {"image": int(np.asarray(image, dtype=np.int64).sum())}
            for name in ("rendered", "normal", "albedo"):
                record[name] = float(tensor(txn.get(key(name)), f"{name} {index}", (3, size, size)).astype(np.float64).sum())
            if v2:
                record["shape"] = float(tensor(txn.get(key("shape")), f"shape {index}", (100,)).astype(np.float64).sum())
                record["identity"] = float(tensor(txn.get(key("identity")), f"identity {index}", (150,)).astype(np.float64).sum())
            records.append(record)
        entries = txn.stat()["entries"]
    expected = 1 + length * (6 if v2 else 4)
    if entries != expected:
        raise ValueError(f"{entries} keys, expected {expected}")
    with open(f"{path}/mean_shape.pkl", "rb") as f:
        data = f.read()
    mean_shape = tensor(data, "mean_shape.pkl", (1, 100))
    if not isinstance(mean_shape, np.ndarray) or mean_shape.shape != (1, 100):
        raise ValueError("mean_shape.pkl is not a [1, 100] tensor")
    print(json.dumps({"length": length, "size": size, "v2": v2, "torch": torch.__version__ if torch is not None else None, "meanShape": float(mean_shape.astype(np.float64).sum()), "records": records}))


if __name__ == "__main__":
    main()
