/* Optional compiled fast paths for zoneops.hj212: the CRC and the plain data area.
 *
 * Nothing here decides anything the pure-Python code does not: crc16 is the same function
 * (tests hold it to crc16_bitwise), and parse_area handles only the plain case - no spaces,
 * every piece key=value with a valid key, numbers that are finite decimals, nothing twice.
 * For anything else it returns None and the Python parser runs, which tolerates what it
 * tolerates and raises with the exact reason. A hypothesis property holds the two equal.
 * DataTime comes back as text for the Python side to check.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <string.h>

static uint16_t STEP[256]; /* eight shift steps applied to an 8-bit register */

static void init_step(void) {
    for (int x = 0; x < 256; x++) {
        uint16_t r = (uint16_t)x;
        for (int i = 0; i < 8; i++) {
            int low = r & 1;
            r >>= 1;
            if (low) r ^= 0xA001;
        }
        STEP[x] = r;
    }
}

static PyObject *crc16(PyObject *self, PyObject *arg) {
    Py_buffer view;
    if (PyObject_GetBuffer(arg, &view, PyBUF_SIMPLE) < 0) return NULL;
    const unsigned char *p = view.buf;
    uint16_t r = 0xFFFF;
    for (Py_ssize_t i = 0; i < view.len; i++) r = STEP[(r >> 8) ^ p[i]];
    PyBuffer_Release(&view);
    return PyLong_FromLong(r);
}

/* Set by configure(): the Measurement type, its field count, and the key suffixes. */
#define MAX_SUFFIXES 32
static PyObject *measurement_type = NULL;
static Py_ssize_t field_count = 0;
static int n_suffixes = 0;
static char suffix_text[MAX_SUFFIXES][16];
static int suffix_index[MAX_SUFFIXES];
static int suffix_numeric[MAX_SUFFIXES];

static PyObject *configure(PyObject *self, PyObject *args) {
    PyObject *type, *suffixes;
    Py_ssize_t fields;
    if (!PyArg_ParseTuple(args, "OnO!", &type, &fields, &PyDict_Type, &suffixes)) return NULL;
    if (PyDict_Size(suffixes) > MAX_SUFFIXES) {
        PyErr_SetString(PyExc_ValueError, "too many suffixes");
        return NULL;
    }
    Py_ssize_t pos = 0;
    PyObject *key, *value;
    int n = 0;
    while (PyDict_Next(suffixes, &pos, &key, &value)) {
        Py_ssize_t len;
        const char *text = PyUnicode_AsUTF8AndSize(key, &len);
        int index, numeric;
        if (text == NULL) return NULL;
        if (len >= 16) {
            PyErr_SetString(PyExc_ValueError, "suffix too long");
            return NULL;
        }
        if (!PyArg_ParseTuple(value, "ip", &index, &numeric)) return NULL;
        if (index < 0 || index >= fields) {
            PyErr_SetString(PyExc_ValueError, "field index out of range");
            return NULL;
        }
        memcpy(suffix_text[n], text, len + 1);
        suffix_index[n] = index;
        suffix_numeric[n] = numeric;
        n++;
    }
    Py_INCREF(type);
    Py_XSETREF(measurement_type, type);
    field_count = fields;
    n_suffixes = n;
    Py_RETURN_NONE;
}

static int key_char(unsigned char c, int first) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')
        return 1;
    return !first && (c == '.' || c == '-');
}

static int find_suffix(const char *s, Py_ssize_t len) {
    for (int i = 0; i < n_suffixes; i++)
        if ((Py_ssize_t)strlen(suffix_text[i]) == len && memcmp(suffix_text[i], s, len) == 0)
            return i;
    return -1;
}

/* A finite decimal number exactly as segment.parse_number accepts it, or NULL (no error set)
 * when it is not one: the Python side then says why. */
static PyObject *plain_number(const char *s, Py_ssize_t len) {
    char buf[64];
    if (len == 0 || len >= (Py_ssize_t)sizeof buf) return NULL;
    for (Py_ssize_t i = 0; i < len; i++)
        if (!strchr("0123456789.+-eE", s[i]) || s[i] == '\0') return NULL;
    memcpy(buf, s, len);
    buf[len] = '\0';
    char *end;
    double value = PyOS_string_to_double(buf, &end, NULL);
    if (value == -1.0 && PyErr_Occurred()) {
        PyErr_Clear();
        return NULL;
    }
    if (end != buf + len || !isfinite(value)) return NULL;
    return PyFloat_FromDouble(value);
}

enum { PLAIN, NOT_PLAIN, FAILED };

/* One key=value piece into the collections; NOT_PLAIN hands the whole area to Python. */
static int piece(const char *s, Py_ssize_t len, PyObject *slots, PyObject *extras,
                 PyObject *raw_pairs, PyObject **data_time) {
    const char *eq = memchr(s, '=', len);
    if (eq == NULL || eq == s) return NOT_PLAIN;
    Py_ssize_t klen = eq - s, vlen = len - klen - 1;
    const char *v = eq + 1;
    if (memchr(v, '=', vlen) != NULL) return NOT_PLAIN;
    for (Py_ssize_t i = 0; i < klen; i++)
        if (!key_char((unsigned char)s[i], i == 0)) return NOT_PLAIN;

    Py_ssize_t dash = -1;
    for (Py_ssize_t i = klen - 1; i >= 0; i--)
        if (s[i] == '-') { dash = i; break; }
    int suffix = dash > 0 ? find_suffix(s + dash + 1, klen - dash - 1) : -1;

    PyObject *key = PyUnicode_FromStringAndSize(s, klen);
    PyObject *text = key ? PyUnicode_DecodeUTF8(v, vlen, "strict") : NULL;
    PyObject *pair = text ? PyTuple_Pack(2, key, text) : NULL;
    int status = FAILED;
    if (pair == NULL || PyList_Append(raw_pairs, pair) < 0) goto done;

    if (suffix >= 0) {
        PyObject *code = PyUnicode_FromStringAndSize(s, dash);
        if (code == NULL) goto done;
        PyObject *slot = PyDict_GetItemWithError(slots, code);
        if (slot == NULL && !PyErr_Occurred()) {
            slot = PyList_New(field_count);
            if (slot != NULL) {
                for (Py_ssize_t i = 0; i < field_count; i++) {
                    Py_INCREF(Py_None);
                    PyList_SET_ITEM(slot, i, Py_None);
                }
                int stored = PyDict_SetItem(slots, code, slot);
                Py_DECREF(slot); /* the dict holds it */
                if (stored < 0) slot = NULL;
            }
        }
        Py_DECREF(code);
        if (slot == NULL) goto done;
        int index = suffix_index[suffix];
        if (PyList_GET_ITEM(slot, index) != Py_None) { status = NOT_PLAIN; goto done; }
        PyObject *value = text;
        if (suffix_numeric[suffix]) {
            value = plain_number(v, vlen);
            if (value == NULL) { status = NOT_PLAIN; goto done; }
        } else {
            Py_INCREF(value);
        }
        PyObject *old = PyList_GET_ITEM(slot, index);
        PyList_SET_ITEM(slot, index, value);
        Py_DECREF(old);
    } else if (klen == 8 && memcmp(s, "DataTime", 8) == 0) {
        if (*data_time != NULL) { status = NOT_PLAIN; goto done; }
        Py_INCREF(text);
        *data_time = text;
    } else {
        int has = PyDict_Contains(extras, key);
        if (has < 0 || (!has && PyDict_SetItem(extras, key, text) < 0)) goto done;
    }
    status = PLAIN;
done:
    Py_XDECREF(pair);
    Py_XDECREF(text);
    Py_XDECREF(key);
    return status;
}

/* parse_area(area) -> (items, DataTime text or None, extras, raw_pairs) or None. */
static PyObject *parse_area(PyObject *self, PyObject *arg) {
    if (measurement_type == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "configure() first");
        return NULL;
    }
    if (!PyUnicode_Check(arg)) {
        PyErr_SetString(PyExc_TypeError, "parse_area() takes a str");
        return NULL;
    }
    Py_ssize_t n;
    const char *s = PyUnicode_AsUTF8AndSize(arg, &n);
    if (s == NULL) { /* lone surrogates: not plain */
        PyErr_Clear();
        Py_RETURN_NONE;
    }
    for (Py_ssize_t i = 0; i < n; i++)
        if (s[i] == ' ' || s[i] == '\t' || (s[i] == '&' && i + 1 < n && s[i + 1] == '&'))
            Py_RETURN_NONE;

    PyObject *slots = PyDict_New(), *extras = PyDict_New(), *raw_pairs = PyList_New(0);
    PyObject *items = NULL, *data_time = NULL, *result = NULL;
    int status = (slots && extras && raw_pairs) ? PLAIN : FAILED;
    Py_ssize_t start = 0;
    for (Py_ssize_t i = 0; status == PLAIN && i <= n; i++) {
        if (i < n && s[i] != ';' && s[i] != ',') continue;
        if (i > start) status = piece(s + start, i - start, slots, extras, raw_pairs,
                                      &data_time);
        start = i + 1;
    }
    if (status == PLAIN) {
        items = PyDict_New();
        Py_ssize_t pos = 0;
        PyObject *code, *slot;
        while (items != NULL && PyDict_Next(slots, &pos, &code, &slot)) {
            /* tuple.__new__(Measurement, values): a NamedTuple without its Python __new__ */
            PyObject *args = PyTuple_Pack(1, slot);
            PyObject *m = args ? PyTuple_Type.tp_new((PyTypeObject *)measurement_type, args,
                                                     NULL) : NULL;
            Py_XDECREF(args);
            if (m == NULL || PyDict_SetItem(items, code, m) < 0) Py_CLEAR(items);
            Py_XDECREF(m);
        }
        if (items != NULL)
            result = PyTuple_Pack(4, items, data_time ? data_time : Py_None, extras,
                                  raw_pairs);
    } else if (status == NOT_PLAIN) {
        Py_INCREF(Py_None);
        result = Py_None;
    }
    Py_XDECREF(items);
    Py_XDECREF(data_time);
    Py_XDECREF(slots);
    Py_XDECREF(extras);
    Py_XDECREF(raw_pairs);
    return result;
}

static PyMethodDef methods[] = {
    {"crc16", crc16, METH_O, "HJ 212 CRC of a bytes-like object."},
    {"configure", configure, METH_VARARGS,
     "configure(Measurement, field_count, {suffix: (field index, numeric)})"},
    {"parse_area", parse_area, METH_O,
     "The plain data area as (items, DataTime text, extras, raw_pairs), else None."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_speedups", "Compiled fast paths of zoneops.hj212.", -1, methods,
};

PyMODINIT_FUNC PyInit__speedups(void) {
    init_step();
    return PyModule_Create(&module);
}
