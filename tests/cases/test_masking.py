import pytest

from app.cases.masking import mask_name, mask_phone


@pytest.mark.parametrize("name, masked", [("张三", "张*"), ("欧阳娜娜", "欧***"), ("李", "李*"), ("", "匿名"), ("  ", "匿名")])
def test_names(name, masked):
    assert mask_name(name) == masked


@pytest.mark.parametrize("phone, masked", [("13812341234", "138****1234"), ("0356-4220000", "0356****0000"),
                                           ("+86 138 1234 5678", "861****5678"), ("12345", "*****"), ("", "")])
def test_phones(phone, masked):
    assert mask_phone(phone) == masked
