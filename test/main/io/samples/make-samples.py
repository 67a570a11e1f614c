# Writes the small pickle/.npy/.npz samples used by test/main/io/*.test.ts.
# Run once with Python 3 + numpy + scipy (a reference only; the tests never run Python):
#   python3 test/main/io/samples/make-samples.py
import os
import pickle
import numpy as np
import scipy.sparse as sp

here = os.path.dirname(os.path.abspath(__file__))


def write(name, data):
    with open(os.path.join(here, name), 'wb') as f:
        f.write(data)


plain = {
    'list': [1, -2, 2.5, 'text', b'\x00\xffbytes', None, True, False],
    'tuple': (1, (2, 3)),
    'set': {4, 5},
    'frozen': frozenset({6}),
    'big': 2 ** 70,
    'negative': -(2 ** 40),
    'unicode': 'é€😀',
    'float': -1.5e-300,
    'nested': {'a': {'b': [[]]}},
    'bytearray': bytearray(b'abc'),
}
for protocol in range(6):
    write(f'plain-p{protocol}.pkl', pickle.dumps(plain, protocol=protocol))

arrays = {
    'f8': np.arange(6, dtype='<f8').reshape(2, 3) / 7,
    'f4fortran': np.asfortranarray(np.arange(6, dtype='<f4').reshape(3, 2)),
    'i4big': np.array([1, -2, 300000], dtype='>i4'),
    'f2': np.array([0.5, -2, 65504, 1e-7], dtype='<f2'),
    'bool': np.array([True, False, True]),
    'i8': np.array([[-(2 ** 40), 7]], dtype='<i8'),
    'u1': np.array([0, 255], dtype='u1'),
    'scalar0d': np.array(3.25),
    'empty': np.zeros((0, 3)),
    'strings': np.array(['ab', 'cdé']),
    'npfloat': np.float64(0.125),
    'npint': np.int64(-9),
}
for protocol in range(6):
    write(f'numpy-p{protocol}.pkl', pickle.dumps(arrays, protocol=protocol))

dense = np.array([[1.0, 0, 2], [0, 0, 3]])
write('sparse.pkl', pickle.dumps({'csc': sp.csc_matrix(dense), 'csr': sp.csr_matrix(dense)}, protocol=2))

np.save(os.path.join(here, 'c-order.npy'), np.arange(12, dtype='<f8').reshape(3, 4))
np.save(os.path.join(here, 'fortran.npy'), np.asfortranarray(np.arange(12, dtype='<f4').reshape(3, 4)))
np.save(os.path.join(here, 'big-endian.npy'), np.array([[1, -2], [3, 32767]], dtype='>i2'))
np.save(os.path.join(here, 'half.npy'), np.array([1.5, -0.25, np.inf], dtype='<f2'))
np.save(os.path.join(here, 'object.npy'), np.array({'key': np.arange(3), 'name': 'x'}, dtype=object), allow_pickle=True)
np.savez(os.path.join(here, 'stored.npz'), a=np.arange(4, dtype='<i4'), b=np.ones((2, 2), dtype='<f4'))
np.savez_compressed(os.path.join(here, 'deflated.npz'), a=np.arange(4, dtype='<i4'), b=np.ones((2, 2), dtype='<f4'))
