#!/usr/bin/python3
"""Turns OpenCV Zoo's block-quantized SFace (face_recognition_sface_2021dec_int8bq.onnx, opset 21) into a plain
fp32 ONNX file that OpenCV 4.6's cv::dnn parses. Run once, offline, by scripts/fetch-models.

Usage: convert-sface.py INT8BQ.onnx OUT.onnx

Every DequantizeLinear in the file has constant inputs (weight-only quantization), so it folds into an fp32
initializer: w = (q - zero_point) * scale, with scale and zero point repeated `block_size` times along `axis`.
Reshapes of constants are folded too, the Dropout (identity at inference) is removed, graph inputs nothing reads
are dropped, the batch dimension is left free (several faces per forward pass) and the opset lowered to 11.
Needs Debian's python3-onnx (1.12) and numpy; nothing else.
"""
import sys

import numpy as np
import onnx
from onnx import helper, numpy_helper


def attribute(node, name, default):
    for a in node.attribute:
        if a.name == name:
            return helper.get_attribute_value(a)
    return default


def dequantize(node, constants):
    q, scale = constants[node.input[0]], constants[node.input[1]].astype(np.float32)
    zero = constants[node.input[2]].astype(np.float32) if len(node.input) > 2 and node.input[2] else np.zeros_like(scale)
    if scale.ndim == 0:
        return (q.astype(np.float32) - zero) * scale
    axis = attribute(node, "axis", 1) % q.ndim
    block = attribute(node, "block_size", 0)
    if block:  # blocked: one scale per `block` consecutive elements along `axis`
        scale = np.repeat(scale, block, axis=axis).take(range(q.shape[axis]), axis=axis)
        zero = np.repeat(zero, block, axis=axis).take(range(q.shape[axis]), axis=axis)
    else:  # per-axis: one scale per index along `axis`
        shape = [1] * q.ndim
        shape[axis] = -1
        scale, zero = scale.reshape(shape), zero.reshape(shape)
    return (q.astype(np.float32) - zero) * scale


def convert(source, target):
    model = onnx.load(source)
    graph = model.graph
    constants = {i.name: numpy_helper.to_array(i) for i in graph.initializer}
    renamed = {}  # output of a removed identity node -> its input
    kept = []
    for node in graph.node:
        inputs = [renamed.get(name, name) for name in node.input]
        del node.input[:]
        node.input.extend(inputs)
        if node.op_type == "DequantizeLinear" and all(n in constants for n in node.input if n):
            constants[node.output[0]] = dequantize(node, constants)
        elif node.op_type == "Reshape" and all(n in constants for n in node.input):
            constants[node.output[0]] = constants[node.input[0]].reshape(constants[node.input[1]].astype(np.int64))
        elif node.op_type == "Constant":
            constants[node.output[0]] = numpy_helper.to_array(attribute(node, "value", None))
        elif node.op_type == "Dropout":
            renamed[node.output[0]] = node.input[0]
        else:
            kept.append(node)

    used = {name for node in kept for name in node.input} | {o.name for o in graph.output}
    initializers = [numpy_helper.from_array(value.astype(np.float32) if value.dtype.kind == "f" else value, name)
                    for name, value in constants.items() if name in used]
    inputs = [i for i in graph.input if i.name in used and i.name not in constants]
    for i in inputs + list(graph.output):
        i.type.tensor_type.shape.dim[0].dim_param = "N"
    for i in inputs:
        assert i.type.tensor_type.elem_type == onnx.TensorProto.FLOAT, f"input {i.name} is not float"
    for node in kept:
        unsupported = [a.name for a in node.attribute if a.name == "training_mode"]
        assert not unsupported, f"{node.op_type} has {unsupported}"

    converted = helper.make_model(
        helper.make_graph(kept, graph.name or "sface", inputs, list(graph.output), initializers),
        opset_imports=[helper.make_opsetid("", 11)], producer_name="door-greeter convert-sface")
    converted.ir_version = 6
    onnx.checker.check_model(converted)
    onnx.save(converted, target)
    print(f"convert-sface: {len(kept)} nodes, {len(initializers)} initializers, "
          f"{len(graph.input) - len(inputs)} unused inputs dropped -> {target}")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: convert-sface.py INT8BQ.onnx OUT.onnx")
    convert(sys.argv[1], sys.argv[2])
