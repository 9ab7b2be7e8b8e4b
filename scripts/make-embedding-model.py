#!/usr/bin/python3
"""Builds a BERT-style sentence encoder with random weights, laid out the way transformers.js loads it.

What it writes into the output directory:

  config.json            model_type "bert" with the sizes below
  tokenizer.json         a WordPiece tokenizer in the Hugging Face `tokenizers` JSON format
                         (BertNormalizer, BertPreTokenizer, WordPiece, [CLS] ... [SEP] template)
  tokenizer_config.json  BertTokenizer, special tokens, model_max_length
  onnx/model.onnx        the encoder: inputs input_ids, attention_mask, token_type_ids (int64,
                         [batch, sequence]) -> output last_hidden_state (float32, [batch, sequence, hidden])

transformers.js asks for `onnx/model.onnx` when the dtype is fp32 (its default on CPU in Node) and
`onnx/model_quantized.onnx` for q8. --dtype picks which of the two is written (fp32 by default):

  onnx/model_quantized.onnx  the same weights, dynamically quantized the way hub models' q8 files are:
                         every dense layer's weight matrix is stored as int8 with one scale per output
                         column; at run time each input is quantized to uint8 per call
                         (DynamicQuantizeLinear), multiplied in integers (MatMulInteger) and scaled back
                         to float. The word-embedding table is int8 too (DequantizeLinear after the
                         lookup). Attention products, LayerNorm, softmax and GELU stay float. ONNX
                         Runtime fuses each quantize/multiply/scale group into one kernel when it loads
                         the graph. About a quarter of the fp32 size.

The graph is the usual encoder: word + position + token-type embeddings, LayerNorm, then N layers of
multi-head self-attention (padding positions masked out through attention_mask), a GELU feed-forward
block, each with a residual connection and LayerNorm.

THE WEIGHTS ARE RANDOM (a fixed seed, so the output is reproducible byte for byte). The vectors carry
no meaning: similar texts are not closer than unrelated ones. The model exists to test the real
loading and inference path (tokenizer, ONNX Runtime, pooling) and to measure what a model of a given
size costs to run.

Sizes:
  --size tiny    hidden 32, 2 layers, 4 heads, a vocabulary of a few hundred words, characters and
                 ## pieces; about 200 KB. The copy in test/fixtures/embedding-model/ is committed and
                 used by the tests.
  --size minilm  all-MiniLM-L6-v2's dimensions: hidden 384, 6 layers, 12 heads, intermediate 1536,
                 512 positions, a 30,522-entry vocabulary (about 90 MB). Not committed: benchmarks
                 generate it to measure MiniLM-sized compute cost. With --words-from DIR the
                 vocabulary starts with the most frequent words of the .md/.txt/.yaml files under DIR, so
                 tokenising real text gives realistic token counts.

Usage (needs a python3 with the onnx and numpy packages: Debian's python3-onnx and python3-numpy
provide them for /usr/bin/python3, which the first line of this file names):
  scripts/make-embedding-model.py --size tiny --out test/fixtures/embedding-model
  scripts/make-embedding-model.py --size minilm --out /tmp/minilm-random --words-from content/
  scripts/make-embedding-model.py --size minilm --out /tmp/minilm-random --words-from content/ --dtype both
"""

import argparse
import collections
import json
import os
import re
import sys

try:
    import numpy as np
    import onnx
    from onnx import TensorProto, helper, numpy_helper
except ImportError as missing:
    sys.exit("%s: this script needs the onnx and numpy packages (Debian: apt-get install python3-onnx)" % missing)

OPSET = 17  # LayerNormalization exists from 17 on
SPECIAL_TOKENS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]

SIZES = {
    "tiny": dict(hidden=32, layers=2, heads=4, intermediate=64, max_positions=128, vocab_size=None),
    "minilm": dict(hidden=384, layers=6, heads=12, intermediate=1536, max_positions=512, vocab_size=30522),
}

# A small vocabulary of common English and programming words for the tiny model. Anything else
# falls back to ## pieces and single characters, which cover every ASCII word.
COMMON_WORDS = """
the of and to in is it that for on with as was are be this by at from or an not have but
which you they we can all their has more one will if what there about when so up out into
than them do time only other new some could these two may first then its any like over
such our how also use used using make made most after where well way many through get
before between each because those both under same while very should just good find see
know need want work world help show read write run test data file code user users system
function class method object value values type types string number array list map set key
keys error errors return import export module package default const let var async await
promise callback request response server client api http https url path route routes
router query param params header headers body json html text search index database table
row rows column columns select insert update delete create remove store cache memory disk
model models vector vectors embedding embeddings token tokens chunk chunks document
documents prompt prompts chat message messages stream input output config option options
build install start stop deploy version release branch commit merge review log logs
debug info warn event events queue job jobs worker task tasks time date size limit page
pages link links image images node browser web app apps service services cloud network
security secret password auth login session account email name id title content source
target result results format parse encode decode hash random sort filter count sum
min max first last next previous open close read load save send receive call handle
""".split()

LETTERS = list("abcdefghijklmnopqrstuvwxyz")
DIGITS = list("0123456789")
PUNCTUATION = list("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
SUFFIXES = ["s", "es", "ed", "er", "ers", "ing", "ly", "ion", "tion", "ment", "al", "able", "ness", "ize", "ful"]


def words_from(directory):
    """Word frequencies of the .md, .txt and .yaml files under `directory`, split the way BertPreTokenizer does."""
    counts = collections.Counter()
    for root, _dirs, files in os.walk(directory):
        for name in sorted(files):
            if not name.endswith((".md", ".txt", ".yaml", ".yml")):
                continue
            with open(os.path.join(root, name), encoding="utf-8", errors="ignore") as handle:
                counts.update(re.findall(r"[a-z0-9]+", handle.read().lower()))
    return counts


def build_vocab(size_name, corpus_dir):
    tokens = list(SPECIAL_TOKENS)
    seen = set(tokens)

    def add(token):
        if token not in seen:
            seen.add(token)
            tokens.append(token)

    for token in LETTERS + DIGITS + PUNCTUATION:
        add(token)
    for token in LETTERS + DIGITS:
        add("##" + token)
    for suffix in SUFFIXES:
        add("##" + suffix)
    for word in COMMON_WORDS:
        add(word)

    target = SIZES[size_name]["vocab_size"]
    if target is None:
        return tokens

    # MiniLM size: frequent corpus words, then ## pieces (word endings seen most often), then
    # unused slots, as BERT's vocabulary has, up to the target size.
    counts = words_from(corpus_dir) if corpus_dir else collections.Counter(COMMON_WORDS)
    word_budget = int(target * 0.7)
    for word, _count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        if len(tokens) >= word_budget:
            break
        if len(word) <= 30:
            add(word)
    pieces = collections.Counter()
    for word, count in counts.items():
        for length in range(2, min(6, len(word) - 1) + 1):
            pieces[word[-length:]] += count
    for piece, _count in sorted(pieces.items(), key=lambda item: (-item[1], item[0])):
        if len(tokens) >= target:
            break
        add("##" + piece)
    unused = 0
    while len(tokens) < target:
        add("[unused%d]" % unused)
        unused += 1
    return tokens


def tokenizer_json(vocab):
    ids = {token: index for index, token in enumerate(vocab)}

    def special(token):
        return {"id": token, "type_id": 0}

    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [
            {
                "id": ids[token],
                "content": token,
                "single_word": False,
                "lstrip": False,
                "rstrip": False,
                "normalized": False,
                "special": True,
            }
            for token in SPECIAL_TOKENS
        ],
        "normalizer": {
            "type": "BertNormalizer",
            "clean_text": True,
            "handle_chinese_chars": True,
            "strip_accents": None,
            "lowercase": True,
        },
        "pre_tokenizer": {"type": "BertPreTokenizer"},
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [
                {"SpecialToken": special("[CLS]")},
                {"Sequence": {"id": "A", "type_id": 0}},
                {"SpecialToken": special("[SEP]")},
            ],
            "pair": [
                {"SpecialToken": special("[CLS]")},
                {"Sequence": {"id": "A", "type_id": 0}},
                {"SpecialToken": special("[SEP]")},
                {"Sequence": {"id": "B", "type_id": 1}},
                {"SpecialToken": {"id": "[SEP]", "type_id": 1}},
            ],
            "special_tokens": {
                token: {"id": token, "ids": [ids[token]], "tokens": [token]} for token in ("[CLS]", "[SEP]")
            },
        },
        "decoder": {"type": "WordPiece", "prefix": "##", "cleanup": True},
        "model": {
            "type": "WordPiece",
            "unk_token": "[UNK]",
            "continuing_subword_prefix": "##",
            "max_input_chars_per_word": 100,
            "vocab": ids,
        },
    }


def tokenizer_config(max_positions):
    return {
        "tokenizer_class": "BertTokenizer",
        "do_lower_case": True,
        "model_max_length": max_positions,
        "pad_token": "[PAD]",
        "unk_token": "[UNK]",
        "cls_token": "[CLS]",
        "sep_token": "[SEP]",
        "mask_token": "[MASK]",
        "clean_up_tokenization_spaces": True,
    }


def model_config(dims, vocab_size):
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "vocab_size": vocab_size,
        "hidden_size": dims["hidden"],
        "num_hidden_layers": dims["layers"],
        "num_attention_heads": dims["heads"],
        "intermediate_size": dims["intermediate"],
        "hidden_act": "gelu",
        "max_position_embeddings": dims["max_positions"],
        "type_vocab_size": 2,
        "layer_norm_eps": 1e-12,
        "pad_token_id": 0,
    }


class GraphBuilder:
    """Collects nodes and initializers with unique names."""

    def __init__(self, rng):
        self.rng = rng
        self.nodes = []
        self.initializers = []
        self.counter = 0

    def name(self, prefix):
        self.counter += 1
        return "%s_%d" % (prefix, self.counter)

    def const(self, name, array):
        self.initializers.append(numpy_helper.from_array(np.asarray(array), name))
        return name

    def weight(self, name, shape, std=0.02):
        return self.const(name, self.rng.normal(0.0, std, size=shape).astype(np.float32))

    def op(self, op_type, inputs, prefix=None, **attrs):
        out = self.name(prefix or op_type.lower())
        self.nodes.append(helper.make_node(op_type, inputs, [out], name=out + "_node", **attrs))
        return out

    def dense(self, x, prefix, n_in, n_out):
        w = self.weight(prefix + ".weight", (n_in, n_out))
        b = self.weight(prefix + ".bias", (n_out,))
        return self.op("Add", [self.op("MatMul", [x, w]), b])

    def layer_norm(self, x, prefix, hidden):
        scale = self.const(prefix + ".gamma", (1.0 + self.rng.normal(0.0, 0.02, size=hidden)).astype(np.float32))
        bias = self.weight(prefix + ".beta", (hidden,))
        return self.op("LayerNormalization", [x, scale, bias], axis=-1, epsilon=1e-12)

    def gelu(self, x):
        # 0.5 * x * (1 + erf(x / sqrt(2)))
        scaled = self.op("Mul", [x, "c_inv_sqrt2"])
        return self.op("Mul", [self.op("Mul", [x, "c_half"]), self.op("Add", [self.op("Erf", [scaled]), "c_one"])])


def build_graph(dims, vocab_size, seed):
    rng = np.random.RandomState(seed)
    g = GraphBuilder(rng)
    hidden, heads = dims["hidden"], dims["heads"]
    head_dim = hidden // heads

    g.const("c_half", np.array(0.5, dtype=np.float32))
    g.const("c_one", np.array(1.0, dtype=np.float32))
    g.const("c_inv_sqrt2", np.array(1.0 / np.sqrt(2.0), dtype=np.float32))
    g.const("c_mask_fill", np.array(-1e9, dtype=np.float32))
    g.const("c_scale", np.array(1.0 / np.sqrt(head_dim), dtype=np.float32))
    g.const("c_zero_1d", np.array([0], dtype=np.int64))
    g.const("c_axes_0", np.array([0], dtype=np.int64))
    g.const("c_axes_1_2", np.array([1, 2], dtype=np.int64))
    g.const("c_split_heads", np.array([0, 0, heads, head_dim], dtype=np.int64))
    g.const("c_merge_heads", np.array([0, 0, hidden], dtype=np.int64))

    # Embeddings: word + position (rows 0..seq-1 of the table) + token type.
    word = g.op("Gather", [g.weight("embeddings.word", (vocab_size, hidden)), "input_ids"], axis=0)
    token_type = g.op("Gather", [g.weight("embeddings.token_type", (2, hidden)), "token_type_ids"], axis=0)
    seq_len = g.op("Shape", ["input_ids"], start=1, end=2)
    positions = g.op(
        "Slice", [g.weight("embeddings.position", (dims["max_positions"], hidden)), "c_zero_1d", seq_len, "c_axes_0"]
    )
    x = g.op("Add", [g.op("Add", [word, token_type]), positions])
    x = g.layer_norm(x, "embeddings.norm", hidden)

    # Additive attention bias: 0 where attention_mask is 1, -1e9 where it is 0; shape [batch, 1, 1, seq].
    mask = g.op("Cast", ["attention_mask"], to=TensorProto.FLOAT)
    bias = g.op("Mul", [g.op("Sub", ["c_one", mask]), "c_mask_fill"])
    bias = g.op("Unsqueeze", [bias, "c_axes_1_2"])

    for layer in range(dims["layers"]):
        p = "layer%d" % layer

        def heads_first(t, perm):
            return g.op("Transpose", [g.op("Reshape", [t, "c_split_heads"])], perm=perm)

        q = heads_first(g.dense(x, p + ".query", hidden, hidden), [0, 2, 1, 3])  # [b, h, s, d]
        k = heads_first(g.dense(x, p + ".key", hidden, hidden), [0, 2, 3, 1])  # [b, h, d, s]
        v = heads_first(g.dense(x, p + ".value", hidden, hidden), [0, 2, 1, 3])  # [b, h, s, d]
        scores = g.op("Add", [g.op("Mul", [g.op("MatMul", [q, k]), "c_scale"]), bias])
        probs = g.op("Softmax", [scores], axis=-1)
        context = g.op("MatMul", [probs, v])
        context = g.op("Reshape", [g.op("Transpose", [context], perm=[0, 2, 1, 3]), "c_merge_heads"])
        attention = g.dense(context, p + ".attention_output", hidden, hidden)
        x = g.layer_norm(g.op("Add", [attention, x]), p + ".attention_norm", hidden)

        ff = g.gelu(g.dense(x, p + ".intermediate", hidden, dims["intermediate"]))
        ff = g.dense(ff, p + ".output", dims["intermediate"], hidden)
        x = g.layer_norm(g.op("Add", [ff, x]), p + ".output_norm", hidden)

    g.nodes.append(helper.make_node("Identity", [x], ["last_hidden_state"], name="last_hidden_state_node"))

    int_input = lambda name: helper.make_tensor_value_info(name, TensorProto.INT64, ["batch_size", "sequence_length"])
    graph = helper.make_graph(
        g.nodes,
        "bert_encoder_random",
        [int_input("input_ids"), int_input("attention_mask"), int_input("token_type_ids")],
        [
            helper.make_tensor_value_info(
                "last_hidden_state", TensorProto.FLOAT, ["batch_size", "sequence_length", hidden]
            )
        ],
        g.initializers,
    )
    model = helper.make_model(
        graph,
        opset_imports=[helper.make_opsetid("", OPSET)],
        producer_name="engify make-embedding-model",
        doc_string="BERT-style encoder with random weights (seed %d); for tests and benchmarks only." % seed,
    )
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model


def quantize_dynamic(model):
    """The q8 variant of an encoder from build_graph: int8 dense weights (one scale per output column)
    applied through DynamicQuantizeLinear + MatMulInteger + scale, and an int8 word-embedding table."""
    graph = model.graph
    floats = {init.name: numpy_helper.to_array(init) for init in graph.initializer}
    initializers = {}
    nodes = []
    quantized_inputs = {}  # float tensor -> (uint8 tensor, its scale, its zero point), shared by its consumers
    replaced = set()

    def add_init(name, array):
        initializers[name] = numpy_helper.from_array(array, name)
        return name

    for node in graph.node:
        weight = node.input[1] if node.op_type == "MatMul" else None
        if weight in floats and floats[weight].ndim == 2:
            x = node.input[0]
            if x not in quantized_inputs:
                outs = [x + "_quantized", x + "_scale", x + "_zero_point"]
                nodes.append(helper.make_node("DynamicQuantizeLinear", [x], outs, name=x + "_quantize_node"))
                quantized_inputs[x] = outs
            x_q, x_scale, x_zero = quantized_inputs[x]
            w = floats[weight]
            column_max = np.abs(w).max(axis=0)
            scale = np.where(column_max > 0, column_max / 127.0, 1.0).astype(np.float32)
            w_q = np.clip(np.rint(w / scale), -127, 127).astype(np.int8)
            w_q_name = add_init(weight + "_quantized", w_q)
            w_scale = add_init(weight + "_scale", scale)
            w_zero = add_init(weight + "_zero_point", np.zeros(w.shape[1], dtype=np.int8))
            replaced.add(weight)
            out = node.output[0]
            nodes.append(
                helper.make_node(
                    "MatMulInteger", [x_q, w_q_name, x_zero, w_zero], [out + "_int32"], name=out + "_matmul_node"
                )
            )
            nodes.append(
                helper.make_node("Cast", [out + "_int32"], [out + "_float"], name=out + "_cast_node", to=TensorProto.FLOAT)
            )
            nodes.append(helper.make_node("Mul", [x_scale, w_scale], [out + "_scale"], name=out + "_scale_node"))
            nodes.append(helper.make_node("Mul", [out + "_float", out + "_scale"], [out], name=out + "_rescale_node"))
        elif node.op_type == "Gather" and node.input[0] == "embeddings.word":
            table = floats[node.input[0]]
            scale = np.float32(max(float(np.abs(table).max()), 1e-12) / 127.0)
            table_q = np.clip(np.rint(table / scale), -127, 127).astype(np.int8)
            name = add_init("embeddings.word_quantized", table_q)
            add_init("embeddings.word_scale", np.array(scale, dtype=np.float32))
            add_init("embeddings.word_zero_point", np.array(0, dtype=np.int8))
            replaced.add(node.input[0])
            out = node.output[0]
            nodes.append(helper.make_node("Gather", [name, node.input[1]], [out + "_int8"], name=out + "_node", axis=0))
            nodes.append(
                helper.make_node(
                    "DequantizeLinear",
                    [out + "_int8", "embeddings.word_scale", "embeddings.word_zero_point"],
                    [out],
                    name=out + "_dequantize_node",
                )
            )
        else:
            nodes.append(node)

    kept = [init for init in graph.initializer if init.name not in replaced] + list(initializers.values())
    quantized = helper.make_graph(nodes, graph.name + "_q8", list(graph.input), list(graph.output), kept)
    result = helper.make_model(
        quantized,
        opset_imports=list(model.opset_import),
        producer_name=model.producer_name,
        doc_string=model.doc_string + " Dynamically quantized (int8 weights).",
    )
    result.ir_version = model.ir_version
    onnx.checker.check_model(result)
    return result


def write_json(path, value):
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(value, handle, indent=1, ensure_ascii=False, sort_keys=False)
        handle.write("\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=sorted(SIZES), required=True)
    parser.add_argument("--out", required=True, help="directory to write the model into")
    parser.add_argument("--words-from", help="directory of .md/.txt/.yaml files to take the minilm vocabulary from")
    parser.add_argument("--seed", type=int, default=20240611)
    parser.add_argument(
        "--dtype",
        choices=["fp32", "q8", "both"],
        default="fp32",
        help="fp32 writes onnx/model.onnx, q8 onnx/model_quantized.onnx, both writes the two",
    )
    args = parser.parse_args()

    dims = SIZES[args.size]
    vocab = build_vocab(args.size, args.words_from)
    os.makedirs(os.path.join(args.out, "onnx"), exist_ok=True)
    write_json(os.path.join(args.out, "config.json"), model_config(dims, len(vocab)))
    write_json(os.path.join(args.out, "tokenizer_config.json"), tokenizer_config(dims["max_positions"]))
    write_json(os.path.join(args.out, "tokenizer.json"), tokenizer_json(vocab))
    model = build_graph(dims, len(vocab), args.seed)
    files = []
    if args.dtype in ("fp32", "both"):
        files.append(("model.onnx", model))
    if args.dtype in ("q8", "both"):
        files.append(("model_quantized.onnx", quantize_dynamic(model)))
    written = []
    for name, graph in files:
        onnx.save(graph, os.path.join(args.out, "onnx", name))
        written.append("onnx/%s %d bytes" % (name, os.path.getsize(os.path.join(args.out, "onnx", name))))
    print(
        "wrote %s: hidden %d, %d layers, %d heads, vocabulary %d, %s"
        % (args.out, dims["hidden"], dims["layers"], dims["heads"], len(vocab), ", ".join(written)),
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
