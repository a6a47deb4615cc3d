"""Character classes shared by readers, normalization, segmentation and sentence splitting."""

# Every CJK ideograph: Extension A, the basic block, compatibility ideographs and Extensions B–H (planes 2–3:
# rare characters of personal and company names).
HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U000323af"
CJK = r"\u3000-\u303f\uff00-\uffef“”‘’…—·" + HAN
CLOSERS = "”’」』）)》〉"
