/* Optional compiled fast paths for zoneops.hj212: the CRC, the plain data segment and the
 * plain data area.
 *
 * Nothing here decides anything the pure-Python code does not: crc16 is the same function
 * (tests hold it to crc16_bitwise), and the parsers take only the plain case - no spaces or
 * control characters, every piece key=value with a valid key, ASCII digits where the
 * standard wants digits, ASCII PW and MN, finite decimal numbers, a real DataTime, nothing
 * twice, no split packet. For anything else they return None and the Python parser runs,
 * which tolerates what it tolerates and raises with the exact reason. Hypothesis properties
 * hold the two equal.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <datetime.h>
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

/* Set by configure(): the result types, Measurement's field count, and the key suffixes. */
#define MAX_SUFFIXES 32
static PyObject *measurement_type = NULL;
static PyObject *data_area_type = NULL;
static PyObject *packet_type = NULL;
static const char *AREA_FIELDS[] = {"items", "data_time", "extras", "raw_pairs"};
static const char *PACKET_FIELDS[] = {"qn", "st", "cn", "pw", "mn", "flag", "pnum", "pno", "cp",
                                      "fields"};
static PyObject *area_names[4], *packet_names[10]; /* interned by configure() */
static Py_ssize_t field_count = 0;
static int n_suffixes = 0;
static char suffix_text[MAX_SUFFIXES][16];
static int suffix_index[MAX_SUFFIXES];
static int suffix_numeric[MAX_SUFFIXES];

static PyObject *configure(PyObject *self, PyObject *args) {
    PyObject *type, *suffixes, *area_type, *packet;
    Py_ssize_t fields;
    if (!PyArg_ParseTuple(args, "OnO!O!O!", &type, &fields, &PyDict_Type, &suffixes,
                          &PyType_Type, &area_type, &PyType_Type, &packet))
        return NULL;
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
    for (int i = 0; i < 4; i++)
        if (!area_names[i] && !(area_names[i] = PyUnicode_InternFromString(AREA_FIELDS[i])))
            return NULL;
    for (int i = 0; i < 10; i++)
        if (!packet_names[i] &&
            !(packet_names[i] = PyUnicode_InternFromString(PACKET_FIELDS[i])))
            return NULL;
    Py_INCREF(type);
    Py_XSETREF(measurement_type, type);
    Py_INCREF(area_type);
    Py_XSETREF(data_area_type, area_type);
    Py_INCREF(packet);
    Py_XSETREF(packet_type, packet);
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
        /* The code's Measurement, filled here before anyone else can see it. */
        PyObject *slot = PyDict_GetItemWithError(slots, code);
        if (slot == NULL && !PyErr_Occurred()) {
            PyTypeObject *type = (PyTypeObject *)measurement_type;
            slot = type->tp_alloc(type, field_count);
            if (slot != NULL) {
                for (Py_ssize_t i = 0; i < field_count; i++) {
                    Py_INCREF(Py_None);
                    PyTuple_SET_ITEM(slot, i, Py_None);
                }
                int stored = PyDict_SetItem(slots, code, slot);
                Py_DECREF(slot); /* the dict holds it */
                if (stored < 0) slot = NULL;
            }
        }
        Py_DECREF(code);
        if (slot == NULL) goto done;
        int index = suffix_index[suffix];
        if (PyTuple_GET_ITEM(slot, index) != Py_None) { status = NOT_PLAIN; goto done; }
        PyObject *value = text;
        if (suffix_numeric[suffix]) {
            value = plain_number(v, vlen);
            if (value == NULL) { status = NOT_PLAIN; goto done; }
        } else {
            Py_INCREF(value);
        }
        PyObject *old = PyTuple_GET_ITEM(slot, index);
        PyTuple_SET_ITEM(slot, index, value);
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

/* The data area in s[0:n] (UTF-8) as (items, DataTime text or None, extras, raw_pairs);
 * None if it is not plain; NULL on error. */
static PyObject *area_parts(const char *s, Py_ssize_t n) {
    for (Py_ssize_t i = 0; i < n; i++)
        if (s[i] == ' ' || s[i] == '\t' || (s[i] == '&' && i + 1 < n && s[i + 1] == '&'))
            Py_RETURN_NONE;

    PyObject *slots = PyDict_New(), *extras = PyDict_New(), *raw_pairs = PyList_New(0);
    PyObject *data_time = NULL, *result = NULL;
    int status = (slots && extras && raw_pairs) ? PLAIN : FAILED;
    Py_ssize_t start = 0;
    for (Py_ssize_t i = 0; status == PLAIN && i <= n; i++) {
        if (i < n && s[i] != ';' && s[i] != ',') continue;
        if (i > start) status = piece(s + start, i - start, slots, extras, raw_pairs,
                                      &data_time);
        start = i + 1;
    }
    if (status == PLAIN) {
        result = PyTuple_Pack(4, slots, data_time ? data_time : Py_None, extras, raw_pairs);
    } else if (status == NOT_PLAIN) {
        Py_INCREF(Py_None);
        result = Py_None;
    }
    Py_XDECREF(data_time);
    Py_XDECREF(slots);
    Py_XDECREF(extras);
    Py_XDECREF(raw_pairs);
    return result;
}

/* parse(the str argument's UTF-8); None for lone surrogates (not plain). */
static PyObject *on_utf8(PyObject *arg, PyObject *(*parse)(const char *, Py_ssize_t)) {
    if (measurement_type == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "configure() first");
        return NULL;
    }
    if (!PyUnicode_Check(arg)) {
        PyErr_SetString(PyExc_TypeError, "a str is needed");
        return NULL;
    }
    Py_ssize_t n;
    const char *s = PyUnicode_AsUTF8AndSize(arg, &n);
    if (s == NULL) {
        if (!PyErr_ExceptionMatches(PyExc_UnicodeEncodeError)) return NULL;
        PyErr_Clear();
        Py_RETURN_NONE;
    }
    return parse(s, n);
}

/* parse_area(area) -> (items, DataTime text or None, extras, raw_pairs) or None. */
static PyObject *parse_area(PyObject *self, PyObject *arg) {
    return on_utf8(arg, area_parts);
}

static int all_digits(const char *s, Py_ssize_t n, Py_ssize_t max) {
    if (n < 1 || n > max) return 0;
    for (Py_ssize_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9') return 0;
    return 1;
}

/* PW and MN: printable ASCII without '&' (spaces and controls are already ruled out). */
static int plain_id(const char *s, Py_ssize_t n) {
    for (Py_ssize_t i = 0; i < n; i++)
        if ((unsigned char)s[i] > 0x7e || s[i] == '&') return 0;
    return 1;
}

/* A header value by key, as (pointer, length); 0 if absent. */
typedef struct { const char *key; const char *value; Py_ssize_t len; int seen; } Field;

static int digits_value(const char *s, Py_ssize_t n) {
    int v = 0;
    for (Py_ssize_t i = 0; i < n; i++) v = v * 10 + (s[i] - '0');
    return v;
}

/* DataTime text (14 or 17 ASCII digits, a real date) -> naive datetime; NULL and no error
 * set when not plain. */
static PyObject *plain_time(PyObject *text) {
    Py_ssize_t n;
    const char *s = PyUnicode_AsUTF8AndSize(text, &n);
    if (s == NULL) return NULL;
    if ((n != 14 && n != 17) || !all_digits(s, n, 17)) return NULL;
    PyObject *when = PyDateTime_FromDateAndTime(
        digits_value(s, 4), digits_value(s + 4, 2), digits_value(s + 6, 2),
        digits_value(s + 8, 2), digits_value(s + 10, 2), digits_value(s + 12, 2),
        n == 17 ? digits_value(s + 14, 3) * 1000 : 0);
    if (when == NULL) PyErr_Clear(); /* not a real date: Python says so */
    return when;
}

/* object.__new__(type) and its fields set as a frozen dataclass's __init__ sets them. */
static PyObject *build(PyObject *type, PyObject **names, PyObject **values, int count) {
    PyObject *empty = PyTuple_New(0);
    PyObject *obj = empty ? PyBaseObject_Type.tp_new((PyTypeObject *)type, empty, NULL) : NULL;
    Py_XDECREF(empty);
    for (int i = 0; obj != NULL && i < count; i++)
        if (PyObject_GenericSetAttr(obj, names[i], values[i]) < 0) Py_CLEAR(obj);
    return obj;
}

static PyObject *str_or_none(const Field *f) {
    if (!f->seen) Py_RETURN_NONE;
    return PyUnicode_DecodeUTF8(f->value, f->len, "strict");
}

enum { QN, ST, CN, PW, MN, FLAG, PNUM, PNO, KNOWN };

/* The data segment in s[0:n] (UTF-8) as a Packet; None if it is not plain. */
static PyObject *segment_packet(const char *s, Py_ssize_t n) {
    for (Py_ssize_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c <= 0x20 || c == 0x7f) Py_RETURN_NONE; /* controls, tab and space */
        if (c == 0xc2 && i + 1 < n && (unsigned char)s[i + 1] <= 0x9f) Py_RETURN_NONE; /* C1 */
    }
    const char *cp = NULL;
    for (Py_ssize_t i = 0; i + 5 <= n; i++)
        if (memcmp(s + i, "CP=&&", 5) == 0) { cp = s + i; break; }
    if (cp == NULL || (cp != s && cp[-1] != ';')) Py_RETURN_NONE;
    const char *area = cp + 5, *end = s + n;
    if (end - area < 2 || memcmp(end - 2, "&&", 2) != 0) Py_RETURN_NONE;

    Field known[KNOWN] = {{"QN"}, {"ST"}, {"CN"}, {"PW"}, {"MN"}, {"Flag"}, {"PNUM"}, {"PNO"}};
    PyObject *fields = PyDict_New();
    if (fields == NULL) return NULL;
    const char *p = s;
    while (p < cp) {
        const char *semi = memchr(p, ';', cp - p);
        const char *stop = semi ? semi : cp;
        Py_ssize_t len = stop - p;
        if (len > 0) {
            const char *eq = memchr(p, '=', len);
            if (eq == NULL || eq == p || memchr(eq + 1, '=', stop - eq - 1)) goto not_plain;
            for (const char *k = p; k < eq; k++)
                if (!key_char((unsigned char)*k, k == p)) goto not_plain;
            PyObject *key = PyUnicode_FromStringAndSize(p, eq - p);
            PyObject *value = key ? PyUnicode_DecodeUTF8(eq + 1, stop - eq - 1, "strict")
                                  : NULL;
            int has = value ? PyDict_Contains(fields, key) : -1;
            int stored = has == 0 ? PyDict_SetItem(fields, key, value) : -1;
            Py_XDECREF(key);
            Py_XDECREF(value);
            if (has == 1) goto not_plain;
            if (stored < 0) goto failed;
            for (int f = 0; f < KNOWN; f++)
                if ((Py_ssize_t)strlen(known[f].key) == eq - p &&
                    memcmp(known[f].key, p, eq - p) == 0) {
                    known[f].value = eq + 1;
                    known[f].len = stop - eq - 1;
                    known[f].seen = 1;
                }
        }
        p = stop + 1;
    }
    if (!known[ST].seen || !all_digits(known[ST].value, known[ST].len, 6) ||
        !known[CN].seen || !all_digits(known[CN].value, known[CN].len, 6) ||
        !known[PW].seen || !plain_id(known[PW].value, known[PW].len) ||
        !known[MN].seen || known[MN].len < 1 || known[MN].len > 24 ||
        !plain_id(known[MN].value, known[MN].len) ||
        (known[QN].seen && !all_digits(known[QN].value, known[QN].len, 20)) ||
        (known[FLAG].seen && !all_digits(known[FLAG].value, known[FLAG].len, 5)) ||
        known[PNUM].seen || known[PNO].seen)
        goto not_plain;

    PyObject *parts = area_parts(area, end - 2 - area);
    if (parts == NULL) goto failed;
    if (parts == Py_None) {
        Py_DECREF(parts);
        goto not_plain;
    }
    PyObject *when = Py_None;
    Py_INCREF(when);
    PyObject *time_text = PyTuple_GET_ITEM(parts, 1);
    if (time_text != Py_None) {
        Py_DECREF(when);
        when = plain_time(time_text);
        if (when == NULL) {
            Py_DECREF(parts);
            if (PyErr_Occurred()) goto failed;
            goto not_plain;
        }
    }
    PyObject *area_values[] = {PyTuple_GET_ITEM(parts, 0), when, PyTuple_GET_ITEM(parts, 2),
                               PyTuple_GET_ITEM(parts, 3)};
    PyObject *data_area = build(data_area_type, area_names, area_values, 4);
    Py_DECREF(when);
    Py_DECREF(parts);
    if (data_area == NULL) goto failed;

    PyObject *flag = known[FLAG].seen
        ? PyLong_FromLong(digits_value(known[FLAG].value, known[FLAG].len)) : Py_NewRef(Py_None);
    PyObject *qn = str_or_none(&known[QN]), *st = str_or_none(&known[ST]);
    PyObject *cn = str_or_none(&known[CN]), *pw = str_or_none(&known[PW]);
    PyObject *mn = str_or_none(&known[MN]);
    PyObject *packet = NULL;
    if (flag && qn && st && cn && pw && mn) {
        PyObject *values[] = {qn, st, cn, pw, mn, flag, Py_None, Py_None, data_area, fields};
        packet = build(packet_type, packet_names, values, 10);
    }
    Py_XDECREF(flag);
    Py_XDECREF(qn);
    Py_XDECREF(st);
    Py_XDECREF(cn);
    Py_XDECREF(pw);
    Py_XDECREF(mn);
    Py_DECREF(data_area);
    Py_DECREF(fields);
    return packet;
not_plain:
    Py_DECREF(fields);
    Py_RETURN_NONE;
failed:
    Py_DECREF(fields);
    return NULL;
}

/* parse_segment(text) -> Packet, or None if the data segment is not plain. */
static PyObject *parse_segment(PyObject *self, PyObject *arg) {
    return on_utf8(arg, segment_packet);
}

static PyMethodDef methods[] = {
    {"crc16", crc16, METH_O, "HJ 212 CRC of a bytes-like object."},
    {"configure", configure, METH_VARARGS,
     "configure(Measurement, field_count, {suffix: (field index, numeric)}, DataArea, "
     "Packet)"},
    {"parse_segment", parse_segment, METH_O,
     "The plain data segment as a Packet, else None."},
    {"parse_area", parse_area, METH_O,
     "The plain data area as (items, DataTime text, extras, raw_pairs), else None."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_speedups", "Compiled fast paths of zoneops.hj212.", -1, methods,
};

PyMODINIT_FUNC PyInit__speedups(void) {
    init_step();
    PyDateTime_IMPORT;
    if (PyDateTimeAPI == NULL) return NULL;
    return PyModule_Create(&module);
}
