"""The pages of a review's steps: the questionnaire (`answers`), the written feedback
(`feedback`), the list of observations (`observations`) and their exports (`exports`)."""
