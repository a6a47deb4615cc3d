"""Character classes shared by readers, normalization and sentence splitting."""

CJK = r"\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef“”‘’…—·"
HAN = r"\u3400-\u4dbf\u4e00-\u9fff"
CLOSERS = "”’」』）)》〉"
