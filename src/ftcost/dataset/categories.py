"""What each error and warning category means and how to fix it.

The CLI and the app print these next to the line numbers, so a user never has to look a category up.
The first seven error names are the ones OpenAI's cookbook notebook (Chat_finetuning_data_prep) uses;
keep them spelt exactly so people can match ftcost's output against the notebook's. The rest are
ftcost's own: things the notebook crashes on (bad JSON, bad UTF-8) or does not know about (weights,
tools, the legacy prompt/completion format, the 10-example minimum).
"""

from __future__ import annotations

from typing import NamedTuple

from ftcost.i18n import N_


class Category(NamedTuple):
    """English, marked for the catalogue: a page or report shows them with `_()` in the reader's language."""

    meaning: str  # one sentence: what was found
    fix: str  # one sentence: what to do about it


#: The cookbook's seven categories, in the notebook's order.
COOKBOOK_ERRORS = (
    "data_type",
    "missing_messages_list",
    "message_missing_key",
    "message_unrecognized_key",
    "unrecognized_role",
    "missing_content",
    "example_missing_assistant_message",
)

#: Errors: OpenAI rejects a file that has any of them.
ERRORS: dict[str, Category] = {
    # --- the cookbook's seven ---
    "data_type": Category(
        N_("The line is valid JSON but not a JSON object (an array, string or number)."),
        N_('Write each example as one object, e.g. {"messages": [...]}.'),
    ),
    "missing_messages_list": Category(
        N_("The example has no `messages` list, or it is empty, null or not a list."),
        N_('Give every example a non-empty "messages" list of message objects.'),
    ),
    "message_missing_key": Category(
        N_("A message lacks `role` or `content` (counted once per message)."),
        N_(
            "Give every message a role and a content; only an assistant message with tool_calls or "
            "function_call may leave content out."
        ),
    ),
    "message_unrecognized_key": Category(
        N_(
            "A message has a key other than role, content, name, weight, tool_calls, tool_call_id or "
            "function_call (counted once per message)."
        ),
        N_("Remove the extra key or fix its spelling."),
    ),
    "unrecognized_role": Category(
        N_(
            "A message's role is not one of system, user, assistant, tool or function (a missing role "
            "counts here too, as in the cookbook)."
        ),
        N_("Use one of the five roles, spelt in lower case."),
    ),
    "missing_content": Category(
        N_(
            "A message's content is empty or not a string (nor a list of content parts; assistant "
            "messages with tool_calls or function_call may have no content)."
        ),
        N_("Give the message non-empty text content."),
    ),
    "example_missing_assistant_message": Category(
        N_("The example has no assistant message, so there is nothing to train on."),
        N_("Add at least one assistant message: the answer the model should learn."),
    ),
    # --- ftcost's own ---
    "invalid_utf8": Category(
        N_("The line is not valid UTF-8 text."),
        N_("Re-save the file as UTF-8 (e.g. `iconv -f latin1 -t utf-8`)."),
    ),
    "invalid_json": Category(
        N_(
            "The line is not valid JSON (a syntax error, a truncated line, NaN/Infinity, a raw control "
            "character such as NUL, or nesting too deep to read)."
        ),
        N_("Fix the line's JSON; each example must be one complete JSON object on one line."),
    ),
    "message_not_object": Category(
        N_("An entry of the messages list is not a JSON object."),
        N_('Write each message as {"role": ..., "content": ...}.'),
    ),
    "invalid_weight": Category(
        N_("An assistant message's `weight` is not 0 or 1."),
        N_("Use weight 0 (do not train on this message) or 1 (train on it), as an integer."),
    ),
    "weight_on_non_assistant": Category(
        N_("A system, user or tool message has a `weight`; only assistant messages may."),
        N_("Remove `weight` from non-assistant messages."),
    ),
    "malformed_tool_call": Category(
        N_(
            'A tool call is malformed: tool_calls must be a non-empty list of {id, type: "function", '
            "function: {name, arguments}} with arguments a JSON string, only on assistant messages; "
            "function_call needs name and arguments; a tool message needs tool_call_id."
        ),
        N_("Write tool calls in the Chat Completions format."),
    ),
    "malformed_tools": Category(
        N_(
            "The example's `tools` (or legacy `functions`) is not a list of function definitions with a "
            "name, or `parallel_tool_calls` is not true/false."
        ),
        N_('Write tools as [{"type": "function", "function": {"name": ..., "parameters": {...}}}].'),
    ),
    "too_few_examples": Category(
        N_("The file has fewer than 10 examples; OpenAI rejects such a training file."),
        N_("Add examples: at least 10 are required and 50-100 good ones are a sensible start."),
    ),
    "prompt_completion_format": Category(
        N_('The line uses the legacy {"prompt", "completion"} format, which chat models do not accept.'),
        N_("Convert it to messages, or choose babbage-002 / davinci-002, which take prompt/completion."),
    ),
    "chat_format_on_completion_model": Category(
        N_('The line uses chat messages, but this model is trained on {"prompt", "completion"} pairs.'),
        N_("Choose a chat model, or convert the example to a prompt and a completion."),
    ),
    "invalid_prompt_completion": Category(
        N_("A prompt/completion example lacks a string prompt or completion, or has other keys."),
        N_('Write each example as {"prompt": "...", "completion": "..."}.'),
    ),
}

#: Warnings: the file is accepted, but look at these.
WARNINGS: dict[str, Category] = {
    "no_system_message": Category(
        N_("The example has no system message."),
        N_("Fine if intended; otherwise add the system prompt you will use in production."),
    ),
    "no_user_message": Category(
        N_("The example has no user message."),
        N_("Fine if intended; otherwise add the user turn the answer responds to."),
    ),
    "content_not_counted": Category(
        N_("A message has image, audio or file parts; ftcost counts their text parts only."),
        N_("Nothing to fix; add the images' tokens (OpenAI's vision pricing guide) to the estimate yourself."),
    ),
    "over_token_limit": Category(
        N_("The example is longer than the model's training-example token limit; OpenAI truncates it."),
        N_("Shorten or split the example; only the first `token_limit` tokens are trained and billed."),
    ),
}


def describe(category: str) -> Category:
    """Meaning and fix of an error or warning category."""
    return ERRORS.get(category) or WARNINGS[category]
