"""A tiny randomly-initialised Llama policy and byte-level BPE tokenizer, built locally."""

from __future__ import annotations

CHAT_TEMPLATE = (
    "{% for m in messages %}<|{{ m['role'] }}|>{{ m['content'] }}\n{% endfor %}"
    "{% if add_generation_prompt %}<|assistant|>{% endif %}"
)

_CORPUS = [
    "What is 3 + 4? The answer is \\boxed{7}.",
    "Compute 12 - 5. So the result is \\boxed{7}.",
    "Find x if 2x = 10. Then x = 5, answer \\boxed{5}.",
    "Simplify 1/2 + 1/4 = 3/4. Final answer: \\boxed{\\frac{3}{4}}",
] * 20


def build_tokenizer(chat_template: bool = True):
    """Byte-level BPE (vocab ~300) wrapped as a PreTrainedTokenizerFast with eos/pad tokens."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=300,
        special_tokens=["<pad>", "<eos>"],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
    )
    tok.train_from_iterator(_CORPUS, trainer=trainer)
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, eos_token="<eos>", pad_token="<pad>")
    if chat_template:
        fast.chat_template = CHAT_TEMPLATE
    return fast


def build_model(tokenizer, seed: int = 0):
    """A 2-layer, 64-wide LlamaForCausalLM with random weights (builds in well under a second)."""
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    torch.manual_seed(seed)
    config = LlamaConfig(
        vocab_size=len(tokenizer),
        hidden_size=64,
        intermediate_size=128,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=4,
        max_position_embeddings=256,
        pad_token_id=tokenizer.pad_token_id,
        eos_token_id=tokenizer.eos_token_id,
        bos_token_id=tokenizer.eos_token_id,
    )
    return LlamaForCausalLM(config)
